# Processes: os.fork with exit statuses, pipes, subprocess.run of a native
# program, environment passing, and signals (handlers, alarm, child exits).
import os, signal, subprocess, sys, time

r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    os.write(w, b"from child")
    os._exit(7)
os.close(w)
data = os.read(r, 100)
os.close(r)
_, status = os.waitpid(pid, 0)
print(data, os.WIFEXITED(status), os.WEXITSTATUS(status))

pid = os.fork()
if pid == 0:
    os.kill(os.getpid(), signal.SIGTERM)
    os._exit(0)
_, status = os.waitpid(pid, 0)
print("signaled", os.WIFSIGNALED(status), os.WTERMSIG(status) == signal.SIGTERM)

out = subprocess.run(["/bin/echo", "hello", "from echo"], capture_output=True)
print(out.returncode, out.stdout, out.stderr)
out = subprocess.run(["/bin/sh", "-c", "echo $GREETING; cat; exit 3"], input=b"piped in\n", capture_output=True, env={"GREETING": "hi there"})
print(out.returncode, out.stdout)
print(subprocess.check_output("printf '%s\\n' b a c | sort", shell=True).decode().split())
p = subprocess.Popen(["/bin/cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
got, _ = p.communicate(b"x" * 200000)
print(len(got), p.returncode)
try:
    subprocess.run(["/nonexistent/program"])
except FileNotFoundError as e:
    print("FileNotFoundError", e.errno)
try:
    subprocess.run(["/bin/sleep", "5"], timeout=0.2)
except subprocess.TimeoutExpired as e:
    print("TimeoutExpired", e.cmd)

received = []
signal.signal(signal.SIGUSR1, lambda signum, frame: received.append(signal.Signals(signum).name))
os.kill(os.getpid(), signal.SIGUSR1)
signal.raise_signal(signal.SIGUSR1)
print("handled", received)
signal.signal(signal.SIGALRM, lambda s, f: received.append("alarm"))
signal.setitimer(signal.ITIMER_REAL, 0.05)
time.sleep(1)
print("after sleep", received[-1])
signal.signal(signal.SIGUSR2, signal.SIG_IGN)
os.kill(os.getpid(), signal.SIGUSR2)
print("ignored", signal.getsignal(signal.SIGUSR2) == signal.SIG_IGN)
try:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(1)
except KeyboardInterrupt:
    print("KeyboardInterrupt")
chld = []
signal.signal(signal.SIGCHLD, lambda s, f: chld.append(s))
pid = os.fork()
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
time.sleep(0.05)
print("SIGCHLD", len(chld) >= 1)
print("system", os.waitstatus_to_exitcode(os.system("exit 5")))
sys.stdout.flush()
os._exit(3)
