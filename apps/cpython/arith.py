# Integers, big integers and floats: arithmetic, conversions and formatting.
import math, sys
from decimal import Decimal, getcontext
from fractions import Fraction

print(2**100, -(2**100) // 7, (2**100) % 7, divmod(-17, 5), -17 // 5, -17 % 5)
f100 = math.factorial(100)
print(f100, f100.bit_length(), len(str(f100)))
print(pow(3, 10**6, 10**9 + 7), pow(2, -1, 97), math.gcd(2**64, 6**40), math.isqrt(10**50))
print(hex(2**70 - 1), oct(-8**20), bin(12345), int("zz", 36), int("-0x7fffffff", 16))
print((2**64).to_bytes(9, "big").hex(), int.from_bytes(b"\xff" * 8, "little", signed=True))
n = 7**300
print(n * n == 7**600, n >> 700, n & 0xFFFF, ~n % 1000, (-n) >> 5 == -((n + 31) >> 5))
print(str(10**4000 + 1)[-3:], sum(range(10**6)), 10**18 * 10**18)
try:
    int("1" * 5000)
except ValueError as e:
    print("ValueError:", e)
print(0.1 + 0.2, repr(1 / 3), 1e300 * 1e10, -1e300 * 1e10, float("nan") != float("nan"))
print(2.5.hex(), float.fromhex("0x1.8p-3"), (0.1).as_integer_ratio(), 1e-320, 5e-324 / 2)
print(round(2.675, 2), round(0.5), round(1.5), round(-2.5), round(123456, -2))
print(f"{math.pi:.15f} {math.e:e} {1234567.891:,.2f} {0.000012345:g} {255:#x} {-42:+08d} {3.0:%}")
print("%5.2f|%-6d|%s|%r|%c|%o" % (3.14159, 42, None, "q", 65, 8))
print(math.sqrt(2), math.sin(1), math.exp(10), math.log(1e100), math.atan2(1, -1), math.fsum([0.1] * 10))
print(math.floor(-2.5), math.ceil(-2.5), math.trunc(-2.5), math.copysign(0.0, -1), math.hypot(3, 4))
print(float(10**308), int(1e20), 1e16 + 1, 2**53 + 1.0, float("inf") > sys.float_info.max)
print(complex(1, 2) * complex(3, -4), abs(3 + 4j), (1j) ** 2)
getcontext().prec = 50
print(Decimal(1) / Decimal(7), Decimal("1.1") + Decimal("2.2"), Decimal(2).sqrt())
print(Fraction(1, 3) + Fraction(1, 6), Fraction(0.75), Fraction(355, 113).limit_denominator(10))
try:
    1 / 0
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
try:
    float("1e400") and int(float("inf"))
except OverflowError as e:
    print("OverflowError:", e)
