// The load client of `deno task bench:multicore`, in C so that it needs little
// CPU of its own (the machine has 2 cores; the server under test should get
// as much of them as it can use):
//
//   cc -O2 -o /tmp/echo_load bench/_echo_load.c
//   /tmp/echo_load PORT CONNECTIONS SIZE SECONDS
//
// Opens CONNECTIONS connections to 127.0.0.1:PORT; on each it sends a
// SIZE-byte message and waits for the whole echo before sending the next
// (one message in flight per connection, as bench/_echo_load.ts does). After
// a warm-up of 0.5 s it counts the round trips completed in SECONDS and
// prints one JSON line: {"rate": msg/s, "messages": N, "seconds": S,
// "cpu": CPU seconds this client used while counting, "user", "sys": the
// same in user space and in the kernel}. One thread, epoll.

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_user(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
}

static double cpu_sys(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void send_all(int fd, const char *data, size_t size) {
  while (size > 0) {
    ssize_t n = send(fd, data, size, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("send");
      exit(1);
    }
    data += n;
    size -= (size_t)n;
  }
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s PORT CONNECTIONS SIZE SECONDS\n", argv[0]);
    return 2;
  }
  int port = atoi(argv[1]);
  int count = atoi(argv[2]);
  size_t size = (size_t)atol(argv[3]);
  double seconds = atof(argv[4]);
  char *message = malloc(size);
  char *buf = malloc(65536);
  size_t *got = calloc((size_t)count, sizeof *got);
  int *fds = calloc((size_t)count, sizeof *fds);
  for (size_t i = 0; i < size; i++) message[i] = (char)(i & 0xff);

  int ep = epoll_create1(0);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < count; i++) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
      perror("connect");
      return 1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (unsigned)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    fds[i] = fd;
  }
  for (int i = 0; i < count; i++) send_all(fds[i], message, size);

  struct epoll_event events[256];
  double start = now(), counting_from = start + 0.5, end = counting_from + seconds;
  double user_from = 0, sys_from = 0;
  long messages = 0;
  int counting = 0;
  for (;;) {
    int n = epoll_wait(ep, events, 256, 50);
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("epoll_wait");
      return 1;
    }
    for (int e = 0; e < n; e++) {
      int i = (int)events[e].data.u32;
      ssize_t r = recv(fds[i], buf, 65536, MSG_DONTWAIT);
      if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (r <= 0) {
        fprintf(stderr, "connection %d: the server closed it\n", i);
        return 1;
      }
      got[i] += (size_t)r;
      if (got[i] >= size) {
        got[i] = 0;
        if (counting) messages++;
        send_all(fds[i], message, size);
      }
    }
    double t = now();
    if (!counting && t >= counting_from) {
      counting = 1;
      messages = 0;
      counting_from = t;
      end = t + seconds;
      user_from = cpu_user();
      sys_from = cpu_sys();
    } else if (counting && t >= end) {
      double elapsed = t - counting_from;
      double user = cpu_user() - user_from, sys = cpu_sys() - sys_from;
      printf("{\"rate\": %.1f, \"messages\": %ld, \"seconds\": %.3f, \"cpu\": %.3f, "
             "\"user\": %.3f, \"sys\": %.3f}\n",
             messages / elapsed, messages, elapsed, user + sys, user, sys);
      return 0;
    }
  }
}
