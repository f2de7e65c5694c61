/* <sys/queue.h> (libc6-dev's, installed in the sysroot by
 * toolchain/build-sysroot.sh): the list, tail queue and singly linked list
 * macros programs such as lighttpd use. Prints the lists after insertions,
 * removals and a reordering; the native build must print the same. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/queue.h>

struct item {
    int value;
    TAILQ_ENTRY(item) queue;
    LIST_ENTRY(item) list;
    SLIST_ENTRY(item) stack;
};

TAILQ_HEAD(item_queue, item);
LIST_HEAD(item_list, item);
SLIST_HEAD(item_stack, item);

int main(void) {
    struct item_queue queue = TAILQ_HEAD_INITIALIZER(queue);
    struct item_list list = LIST_HEAD_INITIALIZER(list);
    struct item_stack stack = SLIST_HEAD_INITIALIZER(stack);
    struct item items[8];
    for (int i = 0; i < 8; i++) {
        items[i].value = i * i;
        if (i % 2)
            TAILQ_INSERT_TAIL(&queue, &items[i], queue);
        else
            TAILQ_INSERT_HEAD(&queue, &items[i], queue);
        LIST_INSERT_HEAD(&list, &items[i], list);
        SLIST_INSERT_HEAD(&stack, &items[i], stack);
    }
    TAILQ_REMOVE(&queue, &items[3], queue);
    TAILQ_INSERT_AFTER(&queue, &items[0], &items[3], queue);
    LIST_REMOVE(&items[5], list);
    SLIST_REMOVE_HEAD(&stack, stack);

    struct item *it;
    printf("tailq:");
    TAILQ_FOREACH(it, &queue, queue) printf(" %d", it->value);
    printf("\ntailq reversed:");
    TAILQ_FOREACH_REVERSE(it, &queue, item_queue, queue) printf(" %d", it->value);
    printf("\nlist:");
    LIST_FOREACH(it, &list, list) printf(" %d", it->value);
    printf("\nslist:");
    SLIST_FOREACH(it, &stack, stack) printf(" %d", it->value);
    printf("\nfirst %d last %d empty %d\n", TAILQ_FIRST(&queue)->value, TAILQ_LAST(&queue, item_queue)->value,
           TAILQ_EMPTY(&queue));
    return 0;
}
