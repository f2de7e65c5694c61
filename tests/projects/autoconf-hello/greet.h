/* A function in a static library, so the build archives and indexes it. */
void greet(const char *who);
