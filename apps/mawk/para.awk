# Paragraph mode: records separated by blank lines, one field per line.
BEGIN { RS = ""; FS = "\n" }
{ print NR ": " NF " lines, first=" $1 }
