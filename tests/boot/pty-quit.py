# Runs `hartvm boot` with its stdin on a pseudo-terminal (raw mode and the Ctrl-A escapes, as for
# a person at a terminal, like pty-session.py) and its stdout on a pipe (or with --stdout-tty on
# the terminal too) read at a fixed rate: a slow reader (a pager, a slow link). Once a pattern
# appears on stdout it samples hartvm's resident memory once a second, then types Ctrl-A X and
# times how long the process takes to end. Prints one JSON object: ready, rss_kb (the samples),
# quit_seconds, status, stderr, and with --count-lines whether the lines read were "00000000",
# "00000001", ... without a gap.
import argparse, json, os, select, subprocess, time

parser = argparse.ArgumentParser()
parser.add_argument('--ready', required=True, help='text on stdout after which to measure')
parser.add_argument('--seconds', type=float, default=10, help='how long to sample memory')
parser.add_argument('--rate', type=int, default=0, help='bytes per second the reader takes (0: all it can)')
parser.add_argument('--count-lines', action='store_true')
parser.add_argument('--stdout-tty', action='store_true', help='stdout on the terminal, not on a pipe')
parser.add_argument('command', nargs=argparse.REMAINDER)
args = parser.parse_args()

master, slave = os.openpty()
proc = subprocess.Popen(args.command, stdin=slave, stdout=slave if args.stdout_tty else subprocess.PIPE, stderr=subprocess.PIPE,
                        start_new_session=True)
os.close(slave)
out_fd = master if args.stdout_tty else proc.stdout.fileno()
err_fd = proc.stderr.fileno()
os.set_blocking(out_fd, False)
os.set_blocking(err_fd, False)

TICK = 0.02
stderr = b''
tail = b''           # the end of stdout, to look for --ready
partial = b''        # an unfinished line (--count-lines)
expected = 0
in_order = True
read_bytes = 0

def take(data):
    global tail, partial, expected, in_order
    tail = (tail + data)[-4096:]
    if not args.count_lines:
        return
    lines = (partial + data.replace(b'\r', b'')).split(b'\n')
    partial = lines.pop()
    for line in lines:
        if line != b'%08d' % expected:
            in_order = False
        expected += 1

def pump(seconds):
    """Reads stdout at the given rate (and all of stderr and the terminal) for this long."""
    global stderr, read_bytes
    end = time.time() + seconds
    while time.time() < end and proc.poll() is None:
        ready, _, _ = select.select(list({out_fd, err_fd, master}), [], [], TICK)
        if err_fd in ready:
            try:
                stderr += os.read(err_fd, 65536)
            except (BlockingIOError, OSError):
                pass
        if master in ready and master != out_fd:
            try:
                os.read(master, 65536)
            except OSError:
                pass
        if out_fd in ready:
            budget = 65536 if args.rate == 0 else max(1, int(args.rate * TICK))
            try:
                data = os.read(out_fd, budget)
            except (BlockingIOError, OSError):  # a terminal whose other side has closed reads EIO
                data = b''
            read_bytes += len(data)
            take(data)
            if args.rate:
                time.sleep(TICK)

result = {'ready': False, 'rss_kb': []}
deadline = time.time() + 120
while proc.poll() is None and time.time() < deadline and args.ready.encode() not in tail:
    pump(TICK)
result['ready'] = args.ready.encode() in tail
if result['ready']:
    for _ in range(int(args.seconds)):
        pump(1)
        try:
            with open(f'/proc/{proc.pid}/status') as f:
                rss = next(line for line in f if line.startswith('VmRSS:'))
            result['rss_kb'].append(int(rss.split()[1]))
        except (OSError, StopIteration):
            break
quit_at = time.time()
os.write(master, b'\x01x')
while proc.poll() is None and time.time() < quit_at + 60:
    pump(TICK)
if proc.poll() is None:
    proc.kill()
result['quit_seconds'] = round(time.time() - quit_at, 3)
result['status'] = proc.wait()
try:
    stderr += proc.stderr.read() or b''
except OSError:
    pass
result['stderr'] = stderr.decode(errors='replace')
result['read_bytes'] = read_bytes
if args.count_lines:
    result['lines'] = expected
    result['in_order'] = in_order
print(json.dumps(result))
