# Runs `hartvm boot` on a pseudo-terminal (stdin a TTY, as for a person at a terminal), with a
# snapshot=on disk that init mounts on /mnt: types a command, sends a break with Ctrl-A B, turns
# console timestamps on and off with Ctrl-A T, writes a file on the disk and writes the snapshot
# back with Ctrl-A S, writes a second file (which must stay in the snapshot), switches to the
# monitor with Ctrl-A C (stop holds the guest, cont lets it answer), asks for the escape help with Ctrl-A H, quits with Ctrl-A X, and checks that the terminal is back in its
# original (cooked) mode afterwards. Prints one line per check.
import os, pty, re, select, sys, termios, time

args = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(args[0], args)

before = termios.tcgetattr(fd)
buf = b''

def read_until(pattern, timeout):
    global buf
    end = time.time() + timeout
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                buf += os.read(fd, 65536)
            except OSError:
                return False
            if pattern in buf:
                return True
    return False

print('prompt', read_until(b'~ # ', 300))
print('raw-mode', (termios.tcgetattr(fd)[3] & termios.ICANON) == 0)
os.write(fd, b'echo $((6*7))\r')
print('echo', read_until(b'42', 60))
# Ctrl-A B: a break on the serial line, which the kernel's 8250 driver counts (brk:1); the
# shell reads it as a NUL character, ended here as a line of its own
os.write(fd, b'\x01b')
time.sleep(0.5)
os.write(fd, b'\r')
time.sleep(0.5)
os.write(fd, b'grep -o "brk:[0-9]*" /proc/tty/driver/serial\r')
print('break', read_until(b'brk:1', 60))
# Ctrl-A T: the output's lines start with the time since the first stamp, until Ctrl-A T again
os.write(fd, b'\x01t')
os.write(fd, b'echo stamped$((1+1))\r')
# (the guest ends lines with CR LF, and the host terminal turns each LF into CR LF again)
stamped = read_until(b'stamped2\r', 60)
print('timestamps', stamped and re.search(rb'\n\[00:00:\d\d\.\d\d\d\] stamped2\r', buf) is not None)
os.write(fd, b'\x01t')
os.write(fd, b'echo plain$((2+2))\r')
plain = read_until(b'plain4\r', 60)
print('timestamps-off', plain and re.search(rb'\nplain4\r', buf) is not None)
# Ctrl-A S: what the guest wrote to the snapshot=on disk reaches the image; what it writes after
# stays in memory again (the test reads the image after the exit)
os.write(fd, b'echo committed-$((3*7)) > /mnt/committed; sync; echo wrote$((5*5))\r')
print('written', read_until(b'wrote25', 60))
os.write(fd, b'\x01s')
print('commit', read_until(b'written back from the snapshot', 60))
os.write(fd, b'echo later-$((4*9)) > /mnt/later; sync; echo wrote$((6*6))\r')
print('written-later', read_until(b'wrote36', 60))
# Ctrl-A C: the monitor; while stopped the guest answers nothing typed to it, after cont it does
os.write(fd, b'\x01c')
print('monitor', read_until(b'(hartvm) ', 30))
os.write(fd, b'info status\r')
print('monitor-status', read_until(b'VM status: running', 30))
os.write(fd, b'stop\r')
time.sleep(0.5)
os.write(fd, b'\x01c')
os.write(fd, b'echo held$((7*8))\r')
print('held', not read_until(b'held56', 2))
os.write(fd, b'\x01c')
os.write(fd, b'cont\r')
time.sleep(0.3)
os.write(fd, b'\x01c')
print('continued', read_until(b'held56', 30))
os.write(fd, b'\x01h')
print('help', read_until(b'C-a x', 30))
os.write(fd, b'\x01x')
_, status = os.waitpid(pid, 0)
print('exit', os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1)
print('restored', (termios.tcgetattr(fd)[3] & termios.ICANON) != 0)
