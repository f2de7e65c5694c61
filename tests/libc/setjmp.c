/* setjmp/longjmp: jumping out of deep recursion, through frames with
 * variable-length arrays, volatile locals keeping values changed after
 * setjmp, longjmp(env, 0) arriving as 1, nested and re-armed buffers,
 * _setjmp/_longjmp, and many jumps in a loop (nothing may leak per jump). */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

static jmp_buf outer, inner;
static int frames_entered;

static int recurse(int depth, int jump_at) {
    char vla[depth % 7 + 1]; /* frames of different sizes on the stack */
    memset(vla, depth, sizeof vla);
    frames_entered++;
    if (depth == jump_at)
        longjmp(outer, depth);
    return recurse(depth + 1, jump_at) + vla[0];
}

static void jump_with_zero(void) { longjmp(outer, 0); }

static int nested(void) {
    volatile int stage = 0;
    if (setjmp(inner) == 0) {
        stage = 1;
        longjmp(inner, 5);
    }
    stage += 10;
    /* The inner buffer's frame is still live; jump back to the outer one. */
    if (stage == 11)
        longjmp(outer, 99);
    return stage;
}

static jmp_buf loop_env;

static void bounce(int i) {
    if (i % 3 == 0)
        longjmp(loop_env, i + 1);
    _longjmp(loop_env, -(i + 1));
}

int main(void) {
    volatile int counter = 0;
    int v = setjmp(outer);
    counter++;
    if (v == 0) {
        recurse(0, 200);
        printf("FAIL: recursion returned\n");
    }
    printf("jump out of %d frames: setjmp returned %d, volatile counter=%d\n", frames_entered, v, counter);
    CHECK_EQ(v, 200);
    CHECK_EQ(counter, 2);

    v = setjmp(outer);
    if (v == 0)
        jump_with_zero();
    printf("longjmp(env, 0) makes setjmp return %d\n", v);

    v = setjmp(outer);
    if (v == 0)
        nested();
    printf("nested buffers: outer got %d\n", v);

    /* Many jumps through the same buffer, alternating the two forms. */
    long sum = 0;
    volatile int i = 0;
    for (i = 0; i < 20000; i++) {
        int r = _setjmp(loop_env);
        if (r == 0)
            bounce(i);
        sum += r;
    }
    printf("20000 jumps, sum of values %ld\n", sum);

    /* Objects changed between setjmp and longjmp keep their new values if
     * they are volatile or not automatic (non-volatile locals of this
     * function would be indeterminate). */
    volatile double d = 1.5;
    static char text[16] = "before";
    v = setjmp(outer);
    if (v == 0) {
        d = 2.75;
        strcpy(text, "after");
        longjmp(outer, 3);
    }
    printf("after the jump: volatile double %.2f, array [%s]\n", d, text);
    return CHECK_STATUS();
}
