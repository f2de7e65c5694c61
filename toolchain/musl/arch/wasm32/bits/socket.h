/* The x86-64 (64-bit time) option numbers, which WALI passes to the host, in
 * both C ABIs: musl would pick the 32-bit architectures' time64 ones where
 * long is 32-bit. */
#define SO_RCVTIMEO     20
#define SO_SNDTIMEO     21
#define SO_TIMESTAMP    29
#define SO_TIMESTAMPNS  35
#define SO_TIMESTAMPING 37
