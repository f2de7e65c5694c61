/* Wasm programs start at the exported _start of crt/wasm32/crt1.c. */
