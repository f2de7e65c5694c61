# File I/O in a temporary directory: text and binary files, seeking, directory
# listing, renames, pathlib, shutil and os.stat.
import os, pathlib, shutil, stat, tempfile

with tempfile.TemporaryDirectory() as tmp:
    p = pathlib.Path(tmp)
    (p / "a.txt").write_text("line 1\nlïne 2\n", encoding="utf-8")
    with open(p / "a.txt", "a", encoding="utf-8") as f:
        f.write("line 3\n")
    print((p / "a.txt").read_text(encoding="utf-8").splitlines(), (p / "a.txt").stat().st_size)
    with open(p / "b.bin", "w+b") as f:
        f.write(bytes(range(256)) * 40)
        f.seek(1000)
        print(f.tell(), f.read(4).hex(), f.seek(-3, os.SEEK_END), f.read().hex())
        f.truncate(300)
    print(os.path.getsize(p / "b.bin"))
    fd = os.open(p / "raw", os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o640)
    print(os.write(fd, b"hello raw"), os.lseek(fd, 0, os.SEEK_SET), os.read(fd, 100), oct(stat.S_IMODE(os.fstat(fd).st_mode)))
    print(os.pread(fd, 3, 6), os.pwrite(fd, b"J", 0))
    os.close(fd)
    try:
        os.open(p / "raw", os.O_CREAT | os.O_EXCL)
    except FileExistsError as e:
        print("FileExistsError", e.errno)
    (p / "sub" / "deep").mkdir(parents=True)
    for name in ("z.py", "y.txt", "x.py"):
        (p / "sub" / name).write_bytes(name.encode())
    shutil.copy(p / "a.txt", p / "sub" / "deep" / "copy.txt")
    os.rename(p / "raw", p / "sub" / "renamed")
    os.symlink("a.txt", p / "link")
    print(sorted(os.listdir(p)), sorted(x.name for x in os.scandir(p / "sub")), os.readlink(p / "link"))
    print(sorted(str(x.relative_to(p)) for x in p.rglob("*.py")), (p / "sub" / "renamed").read_bytes())
    print([os.path.relpath(os.path.join(d, f), tmp) for d, _, fs in sorted(os.walk(tmp)) for f in sorted(fs)])
    os.chmod(p / "a.txt", 0o600)
    os.utime(p / "a.txt", (1000000000, 1234567890))
    st = os.stat(p / "a.txt")
    print(oct(st.st_mode), st.st_mtime, st.st_nlink, os.path.islink(p / "link"), os.path.samefile(p / "link", p / "a.txt"))
    try:
        open(p / "missing")
    except FileNotFoundError as e:
        print("FileNotFoundError", e.errno, e.strerror)
    try:
        os.rmdir(p / "sub")
    except OSError as e:
        print(type(e).__name__, e.errno)
    shutil.rmtree(p / "sub")
    print(sorted(os.listdir(p)))
    with open(p / "lines", "w", newline="\r\n") as f:
        f.write("a\nb\n")
    print(open(p / "lines", "rb").read(), open(p / "lines").read(), open(p / "lines", newline="").readlines())
print(os.path.exists(tmp))
