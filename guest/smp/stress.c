/*
 * smp-stress: a guest-side SMP stress test for hartvm, run inside Linux (and under QEMU as the
 * reference). It exercises, from user space, the machinery a multi-hart VMM has to get right:
 *
 *   1. atomic counters: amoadd (32/64-bit fetch_add), LR/SC (32/64-bit compare-and-swap loops,
 *      and the 16-bit fetch_add, which gcc 12 leaves to libatomic: an lr.d/sc.d loop on the
 *      doubleword it shares with the 32-bit amoadd counter), amoor (fetch_or);
 *   2. locks: a counter under a pthread mutex (futex wake-ups across harts) and one under a
 *      spinlock built on atomic_exchange (amoswap), so harts spin on AMOs;
 *   3. mapping churn: threads mmap/mprotect/munmap regions (shared and private anonymous), so
 *      the kernel sends remote TLB shootdowns (SBI remote sfence.vma) all the time;
 *   4. fork: a child writes a MAP_SHARED page the parent checks, while the parent's other threads
 *      keep writing a private page that fork made copy-on-write (the write-protect must reach
 *      every hart before the child looks);
 *   5. mprotect flipping: one thread flips pages between readable and PROT_NONE in lock step with
 *      reader threads, which must see the new contents while readable and must fault (SIGSEGV,
 *      SEGV_ACCERR, at the exact address) while not, and which meanwhile keep reading
 *      neighbouring pages that never change protection.
 *
 * Parts 1-4 run together in every worker thread; part 5 runs after them. Every total is checked
 * exactly at the end, and one line says how it went:
 *
 *   smp-stress: PASS threads=T iterations=N counters=... mappings=... ... elapsed=S.SSs
 *   smp-stress: FAIL <what>
 *
 * with exit status 0 or 1 (2 for bad usage). In the PASS line, counters is the number of counter
 * updates checked (7 per thread and iteration), mappings/forks/flips count the rounds of parts
 * 3/4/5, faults the SIGSEGVs part 5 expected and got; cas-retries (failed compare-and-swaps) and
 * cpus (how many CPUs the workers were seen on, via sched_getcpu) are for information. A watchdog
 * (-s, default 120 s) turns a hang into `smp-stress: FAIL timeout ...`.
 *
 * Build: riscv64-linux-gnu-gcc -static -pthread -O2 -o smp-stress stress.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The defaults take about 1 s under QEMU TCG at -smp 4 on an idle 2-core host, 3 s or more when
 * the host is busy. The mapping parts cost the most there: every mprotect or munmap waits until
 * all the other harts have run their sfence.vma (SBI remote fence), which takes a few ms a cycle,
 * tens of ms when the harts outnumber the free host cores; a counter iteration costs about a
 * microsecond. */
#define DEFAULT_ITERATIONS 200000UL
#define DEFAULT_SECONDS 120U
#define MAX_THREADS 1024U

#define MAP_EVERY 20000UL  /* one mapping cycle per this many counter iterations */
#define MAP_PAGES 4UL      /* pages per churned mapping */
#define FORK_EVERY 25000UL /* one fork round per this many iterations of worker 0 */
#define FLIP_EVERY 5000UL  /* one mprotect-flip round per this many iterations */
#define FLIP_PAGES 2UL     /* pages that change protection */
#define STABLE_PAGES 2UL   /* pages next to them that never do */
#define CHILD_SPINS 400U   /* how long a fork child watches the copy-on-write page */
#define STRIDE 8UL         /* patterns touch one 64-bit word per 64 bytes */
#define WAIT_SPINS 32U     /* how long a flip reader spins before it sleeps */

#define STEP64 0x1ffffffffULL /* 64-bit add step: carries out of the low word every time */
#define STEP32 3U

static struct {
  unsigned threads;
  unsigned long iterations;
  unsigned seconds;
} opt;

static size_t page;

static unsigned long rounds(unsigned long every) { return (opt.iterations + every - 1) / every; }

/* ---- Failures: the first message is kept, the rest counted; workers carry on, so that every
 * thread still reaches the end and the totals can be reported. ---- */

static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;
static char fail_msg[256];
static unsigned fail_count;

static void fail(const char *fmt, ...) {
  va_list ap;
  pthread_mutex_lock(&fail_lock);
  if (fail_count++ == 0) {
    va_start(ap, fmt);
    vsnprintf(fail_msg, sizeof fail_msg, fmt, ap);
    va_end(ap);
  }
  pthread_mutex_unlock(&fail_lock);
}

/* ---- Signals. The watchdog (SIGALRM) ends a hung run with a FAIL line naming the part that
 * hung. SIGSEGV is expected only inside probe_faults(), which arms a per-thread jump buffer;
 * anywhere else it is a failure, reported with its address. The handlers only write(2). ---- */

static char timeout_msg[2][160];
static atomic_int timeout_idx;

static void set_stage(const char *stage) {
  int next = !atomic_load(&timeout_idx);
  snprintf(timeout_msg[next], sizeof timeout_msg[next],
           "smp-stress: FAIL timeout after %u s (in %s)\n", opt.seconds, stage);
  atomic_store(&timeout_idx, next);
}

static void write_str(const char *s) {
  size_t n = strlen(s);
  while (n > 0) {
    ssize_t w = write(STDOUT_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= (size_t)w;
  }
}

static void on_alarm(int sig) {
  (void)sig;
  write_str(timeout_msg[atomic_load(&timeout_idx)]);
  _exit(1);
}

static __thread sigjmp_buf probe_env;
static __thread volatile sig_atomic_t probe_armed;
static __thread void *volatile fault_addr;
static __thread volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)ctx;
  if (!probe_armed) {
    char msg[80] = "smp-stress: FAIL unexpected SIGSEGV at 0x", *p = msg + strlen(msg);
    uintptr_t a = (uintptr_t)si->si_addr;
    for (int shift = 60; shift >= 0; shift -= 4) *p++ = "0123456789abcdef"[(a >> shift) & 15];
    *p++ = '\n';
    *p = 0;
    write_str(msg);
    _exit(1);
  }
  probe_armed = 0;
  fault_addr = si->si_addr;
  fault_code = si->si_code;
  siglongjmp(probe_env, 1);
}

/* Touches *p (a write of `value`, or a read) where the access must fault: returns 1 when it did,
 * with SEGV_ACCERR at exactly p. */
static int probe_faults(volatile uint64_t *p, int write, uint64_t value) {
  if (sigsetjmp(probe_env, 1) == 0) {
    probe_armed = 1;
    if (write)
      *p = value;
    else
      (void)*p;
    probe_armed = 0;
    return 0;
  }
  return fault_addr == (void *)p && fault_code == SEGV_ACCERR;
}

static void install_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
}

/* ---- Patterns: every word a region holds is a hash of (seed, word index), so a page from the
 * wrong mapping, the wrong round or the wrong process never matches by accident. ---- */

static uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

static uint64_t seed_of(uint64_t a, uint64_t b, uint64_t c) { return mix(mix(mix(a) ^ b) ^ c); }

static void fill(volatile uint64_t *p, size_t pages, uint64_t seed) {
  size_t words = pages * page / 8;
  for (size_t w = 0; w < words; w += STRIDE) p[w] = mix(seed + w);
}

/* Returns the index of the first word that differs, or -1. */
static long mismatch(const volatile uint64_t *p, size_t pages, uint64_t seed) {
  size_t words = pages * page / 8;
  for (size_t w = 0; w < words; w += STRIDE)
    if (p[w] != mix(seed + w)) return (long)w;
  return -1;
}

static void *map_pages(size_t pages, int flags) {
  void *p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    printf("smp-stress: FAIL mmap of %zu pages: %s\n", pages, strerror(errno));
    exit(1);
  }
  return p;
}

static void must(int ok, const char *what) {
  if (!ok) fail("%s: %s", what, strerror(errno));
}

/* ---- Part 1 and 2: shared counters. Every worker bumps each counter once per iteration, so
 * every total is threads x iterations (x the step), exactly. ---- */

static struct {
  _Atomic uint16_t add16; /* lr.d/sc.d on the doubleword shared with add32 (libatomic) */
  _Atomic uint32_t add32; /* amoadd.w, next to add16 on purpose */
  _Atomic uint64_t add64; /* amoadd.d */
  _Atomic uint32_t cas32; /* lr.w/sc.w */
  _Atomic uint64_t cas64; /* lr.d/sc.d */
  _Atomic uint64_t cas_retries;
  pthread_mutex_t mutex;
  uint64_t under_mutex;
  atomic_int spin;
  uint64_t under_spin;
} ctr = {.mutex = PTHREAD_MUTEX_INITIALIZER};

#define N_COUNTERS 7

static unsigned cas_add32(_Atomic uint32_t *c, uint32_t step) {
  unsigned retries = 0;
  uint32_t old = atomic_load_explicit(c, memory_order_relaxed);
  while (!atomic_compare_exchange_weak(c, &old, old + step)) retries++;
  return retries;
}

static unsigned cas_add64(_Atomic uint64_t *c, uint64_t step) {
  unsigned retries = 0;
  uint64_t old = atomic_load_explicit(c, memory_order_relaxed);
  while (!atomic_compare_exchange_weak(c, &old, old + step)) retries++;
  return retries;
}

/* A test-and-test-and-set spinlock on amoswap. It yields now and then, for runs with more
 * threads than harts, where the holder may be waiting for the spinner's hart. */
static void spin_lock(atomic_int *l) {
  unsigned spins = 0;
  while (atomic_exchange_explicit(l, 1, memory_order_acquire))
    while (atomic_load_explicit(l, memory_order_relaxed))
      if (++spins % 64 == 0) sched_yield();
}

static void spin_unlock(atomic_int *l) { atomic_store_explicit(l, 0, memory_order_release); }

static void counter_step(void) {
  atomic_fetch_add(&ctr.add16, 1);
  atomic_fetch_add(&ctr.add32, 1);
  atomic_fetch_add(&ctr.add64, STEP64);
  unsigned retries = cas_add32(&ctr.cas32, STEP32) + cas_add64(&ctr.cas64, STEP64);
  if (retries) atomic_fetch_add_explicit(&ctr.cas_retries, retries, memory_order_relaxed);

  pthread_mutex_lock(&ctr.mutex);
  ctr.under_mutex++;
  pthread_mutex_unlock(&ctr.mutex);

  spin_lock(&ctr.spin);
  ctr.under_spin++;
  spin_unlock(&ctr.spin);
}

static void check_counters(void) {
  uint64_t n = (uint64_t)opt.threads * opt.iterations;
  struct { const char *name; uint64_t got, want; } c[N_COUNTERS] = {
      {"add16", atomic_load(&ctr.add16), (uint16_t)n},
      {"add32", atomic_load(&ctr.add32), (uint32_t)n},
      {"add64", atomic_load(&ctr.add64), n * STEP64},
      {"cas32", atomic_load(&ctr.cas32), (uint32_t)(n * STEP32)},
      {"cas64", atomic_load(&ctr.cas64), n * STEP64},
      {"mutex", ctr.under_mutex, n},
      {"spinlock", ctr.under_spin, n},
  };
  for (int i = 0; i < N_COUNTERS; i++)
    if (c[i].got != c[i].want)
      fail("counter %s = %llu, expected %llu", c[i].name, (unsigned long long)c[i].got,
           (unsigned long long)c[i].want);
}

/* ---- Part 3: mapping churn. Each cycle maps a fresh region (shared and private anonymous in
 * turn), fills it, write-protects it, checks it, makes it writable again, refills and checks it,
 * and unmaps it. Every mprotect and munmap of a mapping whose mm runs on other harts makes the
 * kernel shoot down their TLB entries. The cycle also notes which CPU the thread is on. ---- */

static _Atomic uint64_t map_cycles;
static _Atomic uint64_t cpus_seen; /* bit i: a worker ran on CPU i (amoor.d) */

static void map_cycle(unsigned t, unsigned long c) {
  int shared = c & 1;
  volatile uint64_t *p = map_pages(MAP_PAGES, shared ? MAP_SHARED : MAP_PRIVATE);
  uint64_t seed = seed_of(t, c, 1);
  long bad;
  fill(p, MAP_PAGES, seed);
  must(mprotect((void *)p, MAP_PAGES * page, PROT_READ) == 0, "mprotect read-only");
  if ((bad = mismatch(p, MAP_PAGES, seed)) >= 0)
    fail("mapping (thread %u, cycle %lu, %s): read-only word %ld differs", t, c,
         shared ? "shared" : "private", bad);
  must(mprotect((void *)p, MAP_PAGES * page, PROT_READ | PROT_WRITE) == 0, "mprotect read-write");
  fill(p, MAP_PAGES, ~seed);
  if ((bad = mismatch(p, MAP_PAGES, ~seed)) >= 0)
    fail("mapping (thread %u, cycle %lu, %s): rewritten word %ld differs", t, c,
         shared ? "shared" : "private", bad);
  must(munmap((void *)p, MAP_PAGES * page) == 0, "munmap");
  atomic_fetch_add(&map_cycles, 1);

  int cpu = sched_getcpu();
  if (cpu >= 0) atomic_fetch_or(&cpus_seen, 1ULL << (cpu < 63 ? cpu : 63));
}

/* ---- Part 4: fork. Worker 0 forks a child now and then, while the other workers keep writing
 * their words of `hot`, a private page. fork write-protects it in the parent and must flush
 * every hart's TLB before the child runs: a hart that kept a writable entry would write into
 * the page the child now shares, and the child, which watches those words for a while, would
 * see them change. The child also checks its copy of a private region, replaces it with its own
 * pattern, and writes a MAP_SHARED region; the parent checks both from its side. ---- */

static volatile uint64_t *hot;      /* 1 page, MAP_PRIVATE: scribbled on by workers 1.. */
static volatile uint64_t *fork_priv; /* 1 page, MAP_PRIVATE */
static volatile uint64_t *fork_shared; /* 1 page, MAP_SHARED */
static unsigned long fork_rounds;

static size_t hot_word(unsigned t) { return (t * STRIDE) % (page / 8); }

static void scribble(unsigned t, unsigned long i) { hot[hot_word(t)] = i + 1; }

enum { CHILD_SAW_WRONG_COPY = 1, CHILD_SAW_HOT_CHANGE = 2, CHILD_LOST_OWN_WRITE = 4 };

static _Noreturn void fork_child(unsigned long k) {
  uint64_t snap[MAX_THREADS];
  unsigned n = opt.threads < MAX_THREADS ? opt.threads : MAX_THREADS;
  int bad = 0;
  alarm(opt.seconds); /* alarms are not inherited: the child gets its own watchdog */
  for (unsigned t = 0; t < n; t++) snap[t] = hot[hot_word(t)];
  if (mismatch(fork_priv, 1, seed_of(k, 0, 4)) >= 0) bad |= CHILD_SAW_WRONG_COPY;
  fill(fork_priv, 1, seed_of(k, 1, 4));
  for (unsigned s = 0; s < CHILD_SPINS; s++)
    for (unsigned t = 0; t < n; t++)
      if (hot[hot_word(t)] != snap[t]) bad |= CHILD_SAW_HOT_CHANGE;
  if (mismatch(fork_priv, 1, seed_of(k, 1, 4)) >= 0) bad |= CHILD_LOST_OWN_WRITE;
  fill(fork_shared, 1, seed_of(k, 2, 4));
  _exit(bad);
}

static void fork_round(unsigned long k) {
  fill(fork_priv, 1, seed_of(k, 0, 4));
  fill(fork_shared, 1, 0);
  pid_t pid = fork();
  if (pid < 0) {
    fail("fork: %s", strerror(errno));
    return;
  }
  if (pid == 0) fork_child(k);
  fill(fork_priv, 1, seed_of(k, 3, 4)); /* the parent's own copy from now on */
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) {
      fail("waitpid: %s", strerror(errno));
      return;
    }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    fail("fork round %lu: child %s %d (1: its private copy was wrong, 2: a copy-on-write page "
         "changed under it, 4: its own write was lost)", k,
         WIFEXITED(status) ? "exited with" : "killed by signal",
         WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
  else if (mismatch(fork_shared, 1, seed_of(k, 2, 4)) >= 0)
    fail("fork round %lu: the child's writes to the MAP_SHARED page are not there", k);
  else if (mismatch(fork_priv, 1, seed_of(k, 3, 4)) >= 0)
    fail("fork round %lu: the parent's private page changed", k);
  else
    fork_rounds++;
}

/* The worker of parts 1-4. */
static void *worker(void *arg) {
  unsigned t = (unsigned)(uintptr_t)arg;
  for (unsigned long i = 0; i < opt.iterations; i++) {
    counter_step();
    if (t != 0) scribble(t, i);
    if (i % MAP_EVERY == 0) map_cycle(t, i / MAP_EVERY);
    if (t == 0 && i % FORK_EVERY == 0) fork_round(i / FORK_EVERY);
  }
  return NULL;
}

/* ---- Part 5: mprotect flipping, in lock step. The region is FLIP_PAGES pages that change
 * protection followed by STABLE_PAGES that stay readable. Per round the flipper makes the flip
 * pages writable, drops their contents (MADV_DONTNEED: fresh physical pages), writes the round's
 * pattern, makes them read-only and opens the round; each reader checks the pattern and that a
 * write faults, and acknowledges. Then the flipper makes them PROT_NONE; each reader checks that
 * a read of every page faults, and acknowledges. The readers' TLBs hold the pages from the open
 * phase, so a missing shootdown shows as a probe that does not fault or a stale pattern. While
 * waiting, readers keep reading the stable pages, whose VMA the flipper's mprotect splits and
 * merges under them: those reads must never fault or differ. ---- */

static struct {
  volatile uint64_t *flip, *stable;
  unsigned readers;
  unsigned long rounds;
  atomic_uint phase; /* 2r+1: round r open (read-only), 2r+2: round r closed (PROT_NONE) */
  atomic_uint acks;  /* both 32-bit: they are futex words */
  _Atomic uint64_t faults;
} fl;

static uint64_t stable_seed(void) { return seed_of(0, 0, 5); }

static void check_stable(void) {
  long bad = mismatch(fl.stable, STABLE_PAGES, stable_seed());
  if (bad >= 0) fail("mprotect flipping: stable word %ld differs", bad);
}

/* Waiting: a reader spins for a while (reading the stable pages, yielding), then sleeps on a
 * futex. Sleeping matters when the harts outnumber the host's cores (QEMU TCG, hartvm): a hart
 * that sleeps in wfi leaves its core to the harts whose shootdowns are waiting for each other. */
static void futex_wait(atomic_uint *word, unsigned seen) {
  syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
}

static void futex_wake(atomic_uint *word) {
  syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

static void await_phase(unsigned phase) {
  unsigned seen;
  for (unsigned spins = 0; (seen = atomic_load(&fl.phase)) != phase; spins++) {
    check_stable();
    if (spins < WAIT_SPINS)
      sched_yield();
    else
      futex_wait(&fl.phase, seen);
  }
}

static void set_phase(unsigned phase) {
  atomic_store(&fl.phase, phase);
  futex_wake(&fl.phase);
}

static void await_acks(unsigned acks) {
  unsigned seen;
  while ((seen = atomic_load(&fl.acks)) < acks) futex_wait(&fl.acks, seen);
}

static void ack(void) {
  atomic_fetch_add(&fl.acks, 1);
  futex_wake(&fl.acks);
}

static void set_flip_protection(int prot, const char *what) {
  must(mprotect((void *)fl.flip, FLIP_PAGES * page, prot) == 0, what);
}

static void flipper(void) {
  for (unsigned long r = 0; r < fl.rounds; r++) {
    set_flip_protection(PROT_READ | PROT_WRITE, "mprotect flip read-write");
    must(madvise((void *)fl.flip, FLIP_PAGES * page, MADV_DONTNEED) == 0, "madvise");
    fill(fl.flip, FLIP_PAGES, seed_of(r, 0, 6));
    set_flip_protection(PROT_READ, "mprotect flip read-only");
    set_phase(2 * r + 1);
    await_acks(fl.readers * (2 * r + 1));
    set_flip_protection(PROT_NONE, "mprotect flip none");
    set_phase(2 * r + 2);
    await_acks(fl.readers * (2 * r + 2));
  }
}

static void reader(unsigned t) {
  for (unsigned long r = 0; r < fl.rounds; r++) {
    await_phase(2 * r + 1);
    uint64_t seed = seed_of(r, 0, 6);
    long bad = mismatch(fl.flip, FLIP_PAGES, seed);
    if (bad >= 0)
      fail("mprotect flipping (reader %u, round %lu): read-only word %ld differs", t, r, bad);
    for (size_t pg = 0; pg < FLIP_PAGES; pg++) {
      volatile uint64_t *p = fl.flip + pg * page / 8;
      if (probe_faults(p, 1, mix(seed)))
        atomic_fetch_add(&fl.faults, 1);
      else
        fail("mprotect flipping (reader %u, round %lu): a write to read-only page %zu did not "
             "fault with SEGV_ACCERR", t, r, pg);
    }
    ack();

    await_phase(2 * r + 2);
    for (size_t pg = 0; pg < FLIP_PAGES; pg++) {
      volatile uint64_t *p = fl.flip + pg * page / 8;
      if (probe_faults(p, 0, 0))
        atomic_fetch_add(&fl.faults, 1);
      else
        fail("mprotect flipping (reader %u, round %lu): a read of PROT_NONE page %zu did not "
             "fault with SEGV_ACCERR", t, r, pg);
    }
    ack();
  }
}

static void *flip_thread(void *arg) {
  unsigned t = (unsigned)(uintptr_t)arg;
  if (t == 0)
    flipper();
  else
    reader(t);
  return NULL;
}

/* ---- Setup, the runs, the report. ---- */

static void usage(const char *argv0) {
  fprintf(stderr,
          "usage: %s [-t THREADS] [-n ITERATIONS] [-s SECONDS-LIMIT]\n"
          "  THREADS defaults to the number of online CPUs, ITERATIONS to %lu, the limit to %u s\n",
          argv0, DEFAULT_ITERATIONS, DEFAULT_SECONDS);
  exit(2);
}

static unsigned long number(const char *s, const char *argv0, unsigned long max) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || end == s || *end || v == 0 || v > max || s[0] == '-') usage(argv0);
  return v;
}

static void parse_options(int argc, char **argv) {
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  opt.threads = online > 0 ? (online < MAX_THREADS ? (unsigned)online : MAX_THREADS) : 1;
  opt.iterations = DEFAULT_ITERATIONS;
  opt.seconds = DEFAULT_SECONDS;
  int c;
  while ((c = getopt(argc, argv, "t:n:s:")) != -1) switch (c) {
      case 't': opt.threads = (unsigned)number(optarg, argv[0], MAX_THREADS); break;
      case 'n': opt.iterations = number(optarg, argv[0], 1000000000UL); break;
      case 's': opt.seconds = (unsigned)number(optarg, argv[0], 1000000UL); break;
      default: usage(argv[0]);
    }
  if (optind != argc) usage(argv[0]);
}

static void setup_regions(void) {
  hot = map_pages(1, MAP_PRIVATE);
  fork_priv = map_pages(1, MAP_PRIVATE);
  fork_shared = map_pages(1, MAP_SHARED);
  fl.flip = map_pages(FLIP_PAGES + STABLE_PAGES, MAP_PRIVATE);
  fl.stable = fl.flip + FLIP_PAGES * page / 8;
  fill(fl.stable, STABLE_PAGES, stable_seed());
  fl.readers = opt.threads > 1 ? opt.threads - 1 : 1;
  fl.rounds = rounds(FLIP_EVERY);
}

/* Threads wait for each other at a start line, so that they do run together rather than one
 * after the other as they happen to be created. */
static pthread_barrier_t start_line;
static void *(*thread_fn)(void *);

static void *start_thread(void *arg) {
  pthread_barrier_wait(&start_line);
  return thread_fn(arg);
}

static void run_threads(unsigned n, void *(*fn)(void *)) {
  pthread_t tid[MAX_THREADS + 1];
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_barrier_init(&start_line, NULL, n);
  thread_fn = fn;
  for (unsigned t = 0; t < n; t++) {
    int err = pthread_create(&tid[t], &attr, start_thread, (void *)(uintptr_t)t);
    if (err) {
      printf("smp-stress: FAIL pthread_create (thread %u of %u): %s\n", t, n, strerror(err));
      exit(1);
    }
  }
  for (unsigned t = 0; t < n; t++) pthread_join(tid[t], NULL);
  pthread_barrier_destroy(&start_line);
  pthread_attr_destroy(&attr);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void check_totals(void) {
  check_counters();
  uint64_t maps = atomic_load(&map_cycles), want_maps = opt.threads * rounds(MAP_EVERY);
  if (maps != want_maps)
    fail("mappings = %llu, expected %llu", (unsigned long long)maps, (unsigned long long)want_maps);
  if (fork_rounds != rounds(FORK_EVERY))
    fail("fork rounds = %lu, expected %lu", fork_rounds, rounds(FORK_EVERY));
  uint64_t want_faults = (uint64_t)fl.readers * fl.rounds * FLIP_PAGES * 2;
  if (atomic_load(&fl.faults) != want_faults)
    fail("mprotect faults = %llu, expected %llu", (unsigned long long)atomic_load(&fl.faults),
         (unsigned long long)want_faults);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  parse_options(argc, argv);
  page = (size_t)sysconf(_SC_PAGESIZE);
  set_stage("setup");
  install_handlers();
  alarm(opt.seconds);
  double t0 = now();

  setup_regions();
  set_stage("counters, mappings and fork");
  run_threads(opt.threads, worker);
  set_stage("mprotect flipping");
  run_threads(fl.readers + 1, flip_thread);
  alarm(0);
  double elapsed = now() - t0;

  check_totals();
  if (fail_count) {
    printf("smp-stress: FAIL %s", fail_msg);
    if (fail_count > 1) printf(" (and %u more failures)", fail_count - 1);
    printf("\n");
    return 1;
  }
  printf("smp-stress: PASS threads=%u iterations=%lu counters=%llu mappings=%llu forks=%lu "
         "flips=%lu faults=%llu cas-retries=%llu cpus=%d elapsed=%.2fs\n",
         opt.threads, opt.iterations, (unsigned long long)N_COUNTERS * opt.threads * opt.iterations,
         (unsigned long long)atomic_load(&map_cycles), fork_rounds, fl.rounds,
         (unsigned long long)atomic_load(&fl.faults),
         (unsigned long long)atomic_load(&ctr.cas_retries),
         __builtin_popcountll(atomic_load(&cpus_seen)), elapsed);
  return 0;
}
