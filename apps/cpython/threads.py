# Threads: locks, conditions, queues, a thread pool, thread-local data and
# events; results printed in an order that does not depend on scheduling.
import concurrent.futures, queue, threading, time

total = 0
lock = threading.Lock()


def add(n):
    global total
    for _ in range(n):
        with lock:
            total += 1


ts = [threading.Thread(target=add, args=(20000,)) for _ in range(8)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("total", total, threading.active_count())

q = queue.Queue()
results = []


def worker():
    while (item := q.get()) is not None:
        results.append(item * item)
        q.task_done()
    q.task_done()


workers = [threading.Thread(target=worker) for _ in range(4)]
for w in workers:
    w.start()
for i in range(1000):
    q.put(i)
for _ in workers:
    q.put(None)
q.join()
for w in workers:
    w.join()
print("squares", len(results), sum(results))

with concurrent.futures.ThreadPoolExecutor(max_workers=3) as ex:
    print("pool", list(ex.map(lambda n: sum(range(n)), [10, 1000, 100000])))
    fut = ex.submit(lambda: 1 / 0)
    print("future error", type(fut.exception()).__name__)

cond = threading.Condition()
ready = []


def producer():
    for i in range(5):
        with cond:
            ready.append(i)
            cond.notify()


consumed = []
t = threading.Thread(target=producer)
t.start()
while len(consumed) < 5:
    with cond:
        cond.wait_for(lambda: ready)
        consumed.extend(ready)
        ready.clear()
t.join()
print("consumed", consumed)

local = threading.local()
seen = {}


def set_local(name):
    local.name = name
    time.sleep(0.01)
    seen[name] = local.name


ts = [threading.Thread(target=set_local, args=(f"t{i}",), name=f"t{i}") for i in range(5)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("locals", sorted(seen.items()), hasattr(local, "name"))
ev = threading.Event()
timer = threading.Timer(0.05, ev.set)
timer.start()
print("event", ev.wait(5), ev.is_set())
sem = threading.BoundedSemaphore(2)
print("semaphore", sem.acquire(), sem.acquire(), sem.acquire(timeout=0.05))
b = threading.Barrier(3)
ids = []
ts = [threading.Thread(target=lambda: ids.append(b.wait())) for _ in range(3)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("barrier", sorted(ids), threading.current_thread().name, threading.main_thread() is threading.current_thread())
