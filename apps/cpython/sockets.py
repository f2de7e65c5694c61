# Sockets over loopback: TCP with a server thread, UDP, socketpair, select
# and a non-blocking connect refused by a closed port.
import select, socket, threading

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen()
port = srv.getsockname()[1]


def serve():
    conn, addr = srv.accept()
    with conn:
        buf = b""
        while chunk := conn.recv(65536):
            buf += chunk
        conn.sendall(b"got %d bytes, sum %d" % (len(buf), sum(buf) % 1000))


t = threading.Thread(target=serve)
t.start()
c = socket.create_connection(("127.0.0.1", port))
connected_to_server = c.getpeername()[1] == port
c.sendall(bytes(range(256)) * 4000)
c.shutdown(socket.SHUT_WR)
print(c.recv(100), connected_to_server)
c.close()
t.join()
srv.close()

u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u1.bind(("127.0.0.1", 0))
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u2.sendto(b"datagram", u1.getsockname())
data, addr = u1.recvfrom(100)
print(data, addr[0], addr[1] == u2.getsockname()[1])
u1.close(), u2.close()

a, b = socket.socketpair()
a.sendall(b"ping")
r, _, _ = select.select([b], [], [], 5)
print(r == [b], b.recv(10))
b.setblocking(False)
try:
    b.recv(10)
except BlockingIOError as e:
    print("BlockingIOError", e.errno)
a.close()
print(b.recv(10))
b.close()

probe = socket.socket()
probe.bind(("127.0.0.1", 0))
closed_port = probe.getsockname()[1]
probe.close()
try:
    socket.create_connection(("127.0.0.1", closed_port), timeout=5)
except ConnectionRefusedError as e:
    print("ConnectionRefusedError", e.errno)
print(socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM)[0][4], socket.inet_aton("10.1.2.3"), socket.htons(1))
print(socket.inet_pton(socket.AF_INET6, "::1").hex(), socket.ntohl(0x01020304))
s6 = socket.socket(socket.AF_INET6)
s6.bind(("::1", 0))
s6.listen()
c6 = socket.create_connection(("::1", s6.getsockname()[1]))
conn, _ = s6.accept()
c6.sendall(b"over ipv6")
print(conn.recv(100))
for s in (c6, conn, s6):
    s.close()
