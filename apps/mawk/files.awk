# Several files: FNR, NR, FILENAME, and an assignment between files.
FNR == 1 { print "--", FILENAME, NR, "tag=" tag }
{ print FNR ":" NF ":" $NF }
END { print "total", NR }
