/* Synchronisation between processes through a MAP_SHARED mapping: a
 * process-shared mutex guarding a counter both processes increment, a
 * process-shared condition variable, and semaphores passing a token back and
 * forth (each wait must be woken by the other process's post). */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define ROUNDS 20000
#define PINGS 200

struct shared {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    long counter;
    int stage;
    sem_t ping, pong;
    int ping_pong_log[2 * PINGS];
    int log_len;
};

static void add(struct shared *s) {
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&s->lock);
        s->counter++;
        pthread_mutex_unlock(&s->lock);
    }
}

int main(void) {
    struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(s != MAP_FAILED);
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    CHECK_EQ(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED), 0);
    CHECK_EQ(pthread_mutex_init(&s->lock, &ma), 0);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    CHECK_EQ(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED), 0);
    CHECK_EQ(pthread_cond_init(&s->changed, &ca), 0);
    CHECK_EQ(sem_init(&s->ping, 1, 0), 0);
    CHECK_EQ(sem_init(&s->pong, 1, 0), 0);

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        add(s);
        /* Wait for the parent to move to stage 1, then answer with 2. */
        pthread_mutex_lock(&s->lock);
        while (s->stage != 1)
            pthread_cond_wait(&s->changed, &s->lock);
        s->stage = 2;
        pthread_cond_broadcast(&s->changed);
        pthread_mutex_unlock(&s->lock);
        for (int i = 0; i < PINGS; i++) {
            sem_wait(&s->ping);
            s->ping_pong_log[s->log_len++] = 2 * i + 1;
            sem_post(&s->pong);
        }
        _exit(0);
    }
    add(s);
    pthread_mutex_lock(&s->lock);
    s->stage = 1;
    pthread_cond_broadcast(&s->changed);
    while (s->stage != 2)
        pthread_cond_wait(&s->changed, &s->lock);
    pthread_mutex_unlock(&s->lock);
    printf("condition variable across processes: stage %d\n", s->stage);
    for (int i = 0; i < PINGS; i++) {
        s->ping_pong_log[s->log_len++] = 2 * i;
        sem_post(&s->ping);
        sem_wait(&s->pong);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    printf("child exited %d\n", WEXITSTATUS(status));
    printf("shared counter: %ld (expected %d)\n", s->counter, 2 * ROUNDS);
    CHECK_EQ(s->counter, 2 * ROUNDS);
    int in_order = s->log_len == 2 * PINGS;
    for (int i = 0; i < s->log_len; i++)
        in_order &= s->ping_pong_log[i] == i;
    printf("semaphore ping-pong: %d turns strictly alternating: %d\n", s->log_len, in_order);
    return CHECK_STATUS();
}
