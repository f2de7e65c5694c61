//! What a sandbox policy allows a guest, for the checks the syscall layer
//! makes itself.
//!
//! The runtime has the kernel enforce most of a policy (Landlock: the file
//! system, TCP ports, signals and abstract Unix sockets), which also binds
//! the runtime acting for the guest. What Landlock cannot express is checked
//! here, always on a private copy of the guest's argument that is then the
//! one handed to the kernel, so another guest thread cannot change it after
//! the check: the address families a socket may have, the IP addresses (not
//! only the ports) of every socket address, UDP included, and the paths of
//! named Unix sockets a guest connects or sends to, and the IPC objects of
//! other programs. A denial is `EACCES`, the errno of the kernel's own
//! security checks.

use std::ffi::CStr;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};

use crate::errno::Errno;

/// What one kind of authority is granted for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Allow<T> {
    #[default]
    Nothing,
    All,
    Only(Vec<T>),
}

impl<T: PartialEq> Allow<T> {
    pub fn allows(&self, item: &T) -> bool {
        match self {
            Allow::Nothing => false,
            Allow::All => true,
            Allow::Only(items) => items.contains(item),
        }
    }

    /// Adds what `more` grants (grants from flags and a policy file combine).
    pub fn grant(&mut self, more: Allow<T>) {
        match (&mut *self, more) {
            (Allow::All, _) | (_, Allow::Nothing) => {}
            (_, Allow::All) => *self = Allow::All,
            (Allow::Nothing, only) => *self = only,
            (Allow::Only(items), Allow::Only(more)) => {
                for item in more {
                    if !items.contains(&item) {
                        items.push(item);
                    }
                }
            }
        }
    }
}

/// A directory the guest may reach, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirGrant {
    /// The directory as this process sees it, canonical (absolute, no
    /// symlinks): the host's path, or the guest path a `--dir HOST::GUEST`
    /// maps it at when the sandbox has a mount namespace of its own.
    pub path: PathBuf,
    /// Read, write, create, delete, rename, link; otherwise read and list.
    pub writable: bool,
}

/// A guest's authority under a sandbox.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    pub dirs: Vec<DirGrant>,
    /// The socket addresses TCP and UDP sockets may be bound or connected
    /// to, or send to.
    pub net: Allow<SocketAddr>,
    /// The native programs the guest may execute (by absolute path).
    pub exec: Allow<PathBuf>,
}

impl Policy {
    /// Whether a socket of this family and type may be created: Unix
    /// sockets and IP stream, datagram and seqpacket sockets (their addresses
    /// are checked when used); never raw, packet or netlink ones, nor
    /// families the policy knows nothing about.
    pub fn check_socket(&self, domain: i32, socktype: i32) -> Result<(), Errno> {
        let kind = socktype & 0xf;
        let ip_kind = matches!(kind, libc::SOCK_STREAM | libc::SOCK_DGRAM | libc::SOCK_SEQPACKET);
        match domain {
            libc::AF_UNIX => Ok(()),
            libc::AF_INET | libc::AF_INET6 if ip_kind => Ok(()),
            _ => Err(Errno::EACCES),
        }
    }

    /// Whether a socket address the guest passes (`bind`, `connect`,
    /// `sendto`, `sendmsg`) is allowed. IP addresses must be listed; named
    /// Unix sockets are checked by path ([`allows_path`](Self::allows_path))
    /// by the caller, which must resolve them first; abstract Unix addresses
    /// are the kernel's business (Landlock scopes them to the sandbox);
    /// `AF_UNSPEC` (dissolving an association) is always allowed.
    pub fn check_address(&self, addr: &[u8]) -> Result<(), Errno> {
        match socket_address(addr) {
            Some(Address::Ip(ip)) if self.net.allows(&ip) => Ok(()),
            Some(Address::Unspecified | Address::UnixPath(_) | Address::UnixAbstract) => Ok(()),
            _ => Err(Errno::EACCES),
        }
    }

    /// Whether a System V IPC object may be made or opened with `key`: only
    /// a new private one (`IPC_PRIVATE`). Other keys name objects that
    /// outlive the guest and that any program of the user can open by the
    /// same key, which Landlock does not cover; their ids are checked by the
    /// syscall layer too, which lets a guest use only the objects it made.
    pub fn check_ipc_key(&self, key: i32) -> Result<(), Errno> {
        if key == libc::IPC_PRIVATE { Ok(()) } else { Err(Errno::EACCES) }
    }

    /// Whether a POSIX message queue may be opened, made or removed by
    /// name: never. The names are one namespace shared by every program of
    /// the user (no directory a policy grants holds them), so there is no
    /// name a guest could own. `EACCES` is what `mq_open` answers for a
    /// queue the caller may not open, which programs handle; `EPERM` would
    /// claim a missing privilege.
    pub fn check_queue_name(&self) -> Result<(), Errno> {
        Err(Errno::EACCES)
    }

    /// Whether `path` (canonical) lies in a directory the guest may reach
    /// (for writing, if `write`).
    pub fn allows_path(&self, path: &Path, write: bool) -> bool {
        self.dirs.iter().any(|d| path.starts_with(&d.path) && (d.writable || !write))
    }
}

/// A socket address, as far as a policy distinguishes them.
#[derive(Debug, PartialEq, Eq)]
pub enum Address<'a> {
    Unspecified,
    Ip(SocketAddr),
    /// A named Unix socket's path (`sun_path` up to its NUL).
    UnixPath(&'a CStr),
    UnixAbstract,
}

/// Decodes the bytes of a `struct sockaddr_*` (the kernel's layouts, which
/// the guest's are). `None` for a family the policy does not know or a
/// length too short for its family.
pub fn socket_address(addr: &[u8]) -> Option<Address<'_>> {
    let family = u16::from_ne_bytes(addr.get(..2)?.try_into().ok()?) as i32;
    let port = |b: &[u8]| u16::from_be_bytes([b[2], b[3]]);
    match family {
        libc::AF_UNSPEC => Some(Address::Unspecified),
        libc::AF_INET if addr.len() >= 8 => {
            let ip = Ipv4Addr::new(addr[4], addr[5], addr[6], addr[7]);
            Some(Address::Ip(SocketAddr::new(IpAddr::V4(ip), port(addr))))
        }
        libc::AF_INET6 if addr.len() >= 24 => {
            let ip: [u8; 16] = addr[8..24].try_into().ok()?;
            Some(Address::Ip(SocketAddr::new(IpAddr::V6(Ipv6Addr::from(ip)), port(addr))))
        }
        libc::AF_UNIX if addr.len() > 2 && addr[2] == 0 => Some(Address::UnixAbstract),
        libc::AF_UNIX if addr.len() > 2 => {
            let path = &addr[2..];
            let end = path.iter().position(|&b| b == 0)?;
            CStr::from_bytes_with_nul(&path[..=end]).ok().map(Address::UnixPath)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inet(ip: [u8; 4], port: u16) -> Vec<u8> {
        let mut a = vec![0u8; 16];
        a[..2].copy_from_slice(&(libc::AF_INET as u16).to_ne_bytes());
        a[2..4].copy_from_slice(&port.to_be_bytes());
        a[4..8].copy_from_slice(&ip);
        a
    }

    fn policy(net: Allow<SocketAddr>) -> Policy {
        let dirs = vec![
            DirGrant { path: "/srv/rw".into(), writable: true },
            DirGrant { path: "/srv/ro".into(), writable: false },
        ];
        Policy { dirs, net, exec: Allow::Nothing }
    }

    #[test]
    fn ip_addresses_must_be_listed() {
        let listed: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let p = policy(Allow::Only(vec![listed]));
        assert_eq!(p.check_address(&inet([127, 0, 0, 1], 8080)), Ok(()));
        assert_eq!(p.check_address(&inet([127, 0, 0, 1], 8081)), Err(Errno::EACCES));
        assert_eq!(p.check_address(&inet([10, 0, 0, 1], 8080)), Err(Errno::EACCES));
        assert_eq!(p.check_address(&inet([127, 0, 0, 1], 8080)[..6]), Err(Errno::EACCES), "too short");
        assert_eq!(policy(Allow::All).check_address(&inet([10, 0, 0, 1], 1)), Ok(()));
        assert_eq!(policy(Allow::Nothing).check_address(&inet([127, 0, 0, 1], 8080)), Err(Errno::EACCES));
        let mut v6 = vec![0u8; 28];
        v6[..2].copy_from_slice(&(libc::AF_INET6 as u16).to_ne_bytes());
        v6[2..4].copy_from_slice(&8080u16.to_be_bytes());
        v6[23] = 1;
        let p6 = policy(Allow::Only(vec!["[::1]:8080".parse().unwrap()]));
        assert_eq!(p6.check_address(&v6), Ok(()));
    }

    #[test]
    fn families_and_unix_addresses() {
        let p = policy(Allow::Nothing);
        assert_eq!(p.check_socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC), Ok(()));
        assert_eq!(p.check_socket(libc::AF_UNIX, libc::SOCK_DGRAM), Ok(()));
        assert_eq!(p.check_socket(libc::AF_INET, libc::SOCK_RAW), Err(Errno::EACCES));
        assert_eq!(p.check_socket(libc::AF_NETLINK, libc::SOCK_DGRAM), Err(Errno::EACCES));
        assert_eq!(p.check_socket(libc::AF_PACKET, libc::SOCK_RAW), Err(Errno::EACCES));
        let mut unix = (libc::AF_UNIX as u16).to_ne_bytes().to_vec();
        unix.extend_from_slice(b"/srv/rw/sock\0");
        assert_eq!(socket_address(&unix), Some(Address::UnixPath(c"/srv/rw/sock")));
        let mut abs = (libc::AF_UNIX as u16).to_ne_bytes().to_vec();
        abs.extend_from_slice(b"\0name");
        assert_eq!(socket_address(&abs), Some(Address::UnixAbstract));
        assert_eq!(p.check_address(&(libc::AF_NETLINK as u16).to_ne_bytes()), Err(Errno::EACCES));
    }

    #[test]
    fn grants_combine() {
        let mut a = Allow::Nothing;
        a.grant(Allow::Only(vec![1]));
        a.grant(Allow::Only(vec![2, 1]));
        assert_eq!(a, Allow::Only(vec![1, 2]));
        a.grant(Allow::Nothing);
        assert_eq!(a, Allow::Only(vec![1, 2]));
        a.grant(Allow::All);
        assert_eq!(a, Allow::All);
        a.grant(Allow::Only(vec![3]));
        assert_eq!(a, Allow::All);
    }

    #[test]
    fn paths_must_lie_in_a_granted_directory() {
        let p = policy(Allow::Nothing);
        assert!(p.allows_path(Path::new("/srv/rw/a/b"), true));
        assert!(p.allows_path(Path::new("/srv/ro/x"), false));
        assert!(!p.allows_path(Path::new("/srv/ro/x"), true));
        assert!(!p.allows_path(Path::new("/srv/rwx"), false), "a sibling with the same prefix");
        assert!(!p.allows_path(Path::new("/etc/passwd"), false));
    }
}
