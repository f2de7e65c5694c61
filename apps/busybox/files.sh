# Files: a tree made with mkdir/touch/ln/cp/mv, searched with find, read with
# ls/stat/du/md5sum/cmp; dates are fixed with touch -d (TZ=UTC).
PATH=$PWD/bin
umask 022
mkdir -p tree/a/b/c tree/d
seq 1 1000 > tree/a/numbers
printf 'x%.0s' $(seq 1 5000) > tree/a/b/xs
echo hello > tree/d/greeting
ln -s ../a/numbers tree/d/link
ln tree/d/greeting tree/d/hardlink
cp -a tree/a tree/copy
mv tree/copy/numbers tree/copy/moved
chmod 700 tree/a/b/c; chmod 755 tree/d/greeting
find tree -exec touch -h -d '2021-06-15 12:00:00' {} +
touch -d '2023-01-02 03:04:05' tree/a/numbers
find tree | sort
find tree -type f -name '*s' | sort
find tree -type l; find tree -newer tree/d/greeting; find tree -size +3k | sort
find tree -perm 700; find tree -maxdepth 1 -type d | sort
find tree -type f -exec wc -c {} \; | sort
ls -l tree/d | sed 's/  */ /g' | cut -d' ' -f1,2,5-
ls -la --full-time tree/a/numbers | sed 's/  */ /g' | cut -d' ' -f1,5-
stat -c '%n %s %a %F %h %Y' tree/a/numbers tree/d/link tree/d/hardlink tree/a/b/c
readlink tree/d/link; readlink -f tree/d/link | sed "s|$PWD/||"
md5sum tree/a/numbers tree/a/b/xs; sha256sum tree/d/greeting
cmp tree/a/numbers tree/copy/moved && echo same copy
du -s tree/a/numbers | cut -f1 | sed 's/^[0-9]*$/du gives a number/'
rm -r tree/copy; ls tree
test -x tree/d/greeting && echo executable; test -L tree/d/link && echo symlink
dirname /a/b/c.txt; basename /a/b/c.txt .txt
realpath tree/a/../d | sed "s|$PWD/||"
