# Runs `hartvm boot` on a pseudo-terminal (stdin a TTY, as for a person at a terminal), types a
# command, sends a break with Ctrl-A B, asks for the escape help with Ctrl-A H, quits with Ctrl-A X, and checks that the
# terminal is back in its original (cooked) mode afterwards. Prints one line per check.
import os, pty, select, sys, termios, time

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
os.write(fd, b'\x01h')
print('help', read_until(b'C-a x', 30))
os.write(fd, b'\x01x')
_, status = os.waitpid(pid, 0)
print('exit', os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1)
print('restored', (termios.tcgetattr(fd)[3] & termios.ICANON) != 0)
