#include "crt1.c"
