# struct, array, json, re, datetime (TZ=UTC), hashlib, base64, zlib-free codecs.
import array, base64, binascii, datetime, hashlib, json, re, struct, time

print(struct.pack("<hIq", -2, 4000000000, -(2**60)).hex(), struct.pack(">d", 1.5).hex(), struct.unpack("<3sxH", b"abc\x00\x34\x12"))
print(struct.calcsize("<hIq"), struct.calcsize("=bi"), struct.pack("!f", 0.1).hex(), struct.unpack("<e", b"\x00\x3c"))
try:
    struct.pack("<B", 256)
except struct.error as e:
    print("struct.error:", e)
a = array.array("i", range(10))
a.byteswap()
b = array.array("d", [1.5, -2.25])
print(a.tobytes()[:8].hex(), a.itemsize, b.tobytes().hex(), array.array("u", "hé").tounicode(), array.array("H", b"\x01\x02\x03\x04").tolist())
doc = {"name": "Wälí", "n": [1, 2.5, None, True, False, 10**20], "nested": {"k": ["x", {"y": "\u2603"}]}, "esc": "a\"b\\c\n"}
enc = json.dumps(doc, sort_keys=True)
print(enc)
print(json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True))
print(json.loads(enc) == doc, json.loads('{"a": 1e400, "b": -0.0, "c": "\\ud83d\\udc0d"}'), json.dumps([float("nan"), 1e-7, 123456789.123]))
try:
    json.loads('{"a": [1, 2,]}')
except json.JSONDecodeError as e:
    print("JSONDecodeError:", e)
text = "2023-01-15 alice@example.com 42kg; 2024-12-31 bob@test.org 7kg"
print(re.findall(r"(\d{4})-(\d\d)-(\d\d)", text), re.sub(r"(\w+)@(\w+)\.\w+", r"<\2:\1>", text))
m = re.search(r"(?P<user>\w+)@(?P<host>[\w.]+)", text)
print(m.group("user"), m.span(), m.groupdict(), re.split(r"[;\s]+", text)[:4], re.fullmatch(r"(?i)[a-z]+\d*", "AbC12") is not None)
print(re.compile(r"^\s*#", re.M).findall("# a\n  # b\nc #"), re.sub(r"\b(\w)(\w*)", lambda m: m[1].upper() + m[2], "hello big world"), re.escape("a.b*c"))
print(re.findall(r"[\u00e0-\u00ff]+", "voilà çà et là"), re.match(r"(a|ab)(c|bcd)(d*)", "abcd").groups(), bool(re.match(r"(?:a+)+b", "a" * 20 + "b")))
t = datetime.datetime(2024, 2, 29, 13, 45, 30, 123456)
print(t.isoformat(), t + datetime.timedelta(days=365, hours=12), t.strftime("%A %d %B %Y %j %U %H:%M:%S.%f"), t.weekday())
print(datetime.datetime.fromtimestamp(1700000000), datetime.datetime.fromtimestamp(0, datetime.timezone.utc), datetime.date(2000, 1, 1).toordinal())
print(datetime.datetime.strptime("31/12/99 23:59", "%d/%m/%y %H:%M"), time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(86400 * 365)), time.gmtime(2**31 - 1)[:6])
print(time.mktime((2001, 9, 9, 1, 46, 40, 0, 0, 0)), time.timezone, datetime.datetime(2038, 1, 19, 3, 14, 8, tzinfo=datetime.timezone.utc).timestamp())
tz = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
print(t.replace(tzinfo=tz).astimezone(datetime.timezone.utc), datetime.datetime(9999, 12, 31) - datetime.datetime(1, 1, 1))
print(hashlib.md5(b"abc").hexdigest(), hashlib.sha1(b"abc").hexdigest(), hashlib.sha256(b"x" * 100000).hexdigest())
print(hashlib.sha512(b"").hexdigest()[:32], hashlib.sha3_256(b"abc").hexdigest()[:32], hashlib.blake2b(b"abc", digest_size=16).hexdigest())
print(base64.b64encode(b"\x00\xffhello"), base64.b32decode("MZXW6==="), binascii.crc32(b"hello world"), binascii.hexlify(b"\x01\xab", "-"))
