/* Linux errno values to WASI's: WASI's list is POSIX's, so most have a
 * namesake; the rest get the nearest meaning, and anything unforeseen is
 * an I/O error rather than a success. */
#include <errno.h>
#include "wasi_layer.h"

int wasi_errno(int e)
{
	switch (e) {
	case 0: return WASI_ESUCCESS;
	case E2BIG: return WASI_E2BIG;
	case EACCES: return WASI_EACCES;
	case EADDRINUSE: return WASI_EADDRINUSE;
	case EADDRNOTAVAIL: return WASI_EADDRNOTAVAIL;
	case EAFNOSUPPORT: return WASI_EAFNOSUPPORT;
	case EAGAIN: return WASI_EAGAIN;
	case EALREADY: return WASI_EALREADY;
	case EBADF: return WASI_EBADF;
	case EBADMSG: return WASI_EBADMSG;
	case EBUSY: return WASI_EBUSY;
	case ECANCELED: return WASI_ECANCELED;
	case ECHILD: return WASI_ECHILD;
	case ECONNABORTED: return WASI_ECONNABORTED;
	case ECONNREFUSED: return WASI_ECONNREFUSED;
	case ECONNRESET: return WASI_ECONNRESET;
	case EDEADLK: return WASI_EDEADLK;
	case EDESTADDRREQ: return WASI_EDESTADDRREQ;
	case EDOM: return WASI_EDOM;
	case EDQUOT: return WASI_EDQUOT;
	case EEXIST: return WASI_EEXIST;
	case EFAULT: return WASI_EFAULT;
	case EFBIG: return WASI_EFBIG;
	case EHOSTUNREACH: return WASI_EHOSTUNREACH;
	case EHOSTDOWN: return WASI_EHOSTUNREACH;
	case EIDRM: return WASI_EIDRM;
	case EILSEQ: return WASI_EILSEQ;
	case EINPROGRESS: return WASI_EINPROGRESS;
	case EINTR: return WASI_EINTR;
	case EINVAL: return WASI_EINVAL;
	case EIO: return WASI_EIO;
	case EISCONN: return WASI_EISCONN;
	case EISDIR: return WASI_EISDIR;
	case ELOOP: return WASI_ELOOP;
	case EMFILE: return WASI_EMFILE;
	case EMLINK: return WASI_EMLINK;
	case EMSGSIZE: return WASI_EMSGSIZE;
	case EMULTIHOP: return WASI_EMULTIHOP;
	case ENAMETOOLONG: return WASI_ENAMETOOLONG;
	case ENETDOWN: return WASI_ENETDOWN;
	case ENETRESET: return WASI_ENETRESET;
	case ENETUNREACH: return WASI_ENETUNREACH;
	case ENFILE: return WASI_ENFILE;
	case ENOBUFS: return WASI_ENOBUFS;
	case ENODEV: return WASI_ENODEV;
	case ENOENT: return WASI_ENOENT;
	case ENOEXEC: return WASI_ENOEXEC;
	case ENOLCK: return WASI_ENOLCK;
	case ENOLINK: return WASI_ENOLINK;
	case ENOMEM: return WASI_ENOMEM;
	case ENOMSG: return WASI_ENOMSG;
	case ENOPROTOOPT: return WASI_ENOPROTOOPT;
	case ENOSPC: return WASI_ENOSPC;
	case ENOSYS: return WASI_ENOSYS;
	case ENOTBLK: return WASI_ENOTSUP;
	case ENOTCONN: return WASI_ENOTCONN;
	case ENOTDIR: return WASI_ENOTDIR;
	case ENOTEMPTY: return WASI_ENOTEMPTY;
	case ENOTRECOVERABLE: return WASI_ENOTRECOVERABLE;
	case ENOTSOCK: return WASI_ENOTSOCK;
	case EOPNOTSUPP: return WASI_ENOTSUP; /* Linux's ENOTSUP is the same number */
	case EPFNOSUPPORT: return WASI_EAFNOSUPPORT;
	case ESOCKTNOSUPPORT: return WASI_EPROTONOSUPPORT;
	case ENOTTY: return WASI_ENOTTY;
	case ENXIO: return WASI_ENXIO;
	case EOVERFLOW: return WASI_EOVERFLOW;
	case EOWNERDEAD: return WASI_EOWNERDEAD;
	case EPERM: return WASI_EPERM;
	case EPIPE: return WASI_EPIPE;
	case EPROTO: return WASI_EPROTO;
	case EPROTONOSUPPORT: return WASI_EPROTONOSUPPORT;
	case EPROTOTYPE: return WASI_EPROTOTYPE;
	case ERANGE: return WASI_ERANGE;
	case EROFS: return WASI_EROFS;
	case ESPIPE: return WASI_ESPIPE;
	case ESRCH: return WASI_ESRCH;
	case ESTALE: return WASI_ESTALE;
	case ETIMEDOUT: return WASI_ETIMEDOUT;
	case ETXTBSY: return WASI_ETXTBSY;
	case EXDEV: return WASI_EXDEV;
	case ENOTUNIQ: return WASI_EINVAL;
	case ECOMM: return WASI_EIO;
	case ENODATA: return WASI_ENOENT; /* a missing extended attribute or STREAMS data */
	case ETIME: return WASI_ETIMEDOUT;
	case ENOSR: return WASI_ENOMEM;
	case ENOKEY: case EKEYEXPIRED: case EKEYREVOKED: case EKEYREJECTED: return WASI_EACCES;
	case EUCLEAN: return WASI_EIO;
	case ENOMEDIUM: case EMEDIUMTYPE: return WASI_ENODEV;
	case ERFKILL: return WASI_ENETDOWN;
	default: return WASI_EIO;
	}
}

int wasi_errno_last(void)
{
	/* A libc call that failed without setting errno would otherwise read as success. */
	return errno ? wasi_errno(errno) : WASI_EIO;
}
