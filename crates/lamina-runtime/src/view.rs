//! The guest's own view of the file system, for a sandbox that maps a
//! directory at another path (`--dir HOST::GUEST`): a private mount
//! namespace whose root is a fresh tmpfs holding only what the sandbox
//! grants, each at the path the guest sees it at. Landlock then grants the
//! same things by their paths in this view.
//!
//! Everything else the view must hold is shown at its host path: the module,
//! the device files, Lamina's own binary and libraries (a guest's exec of a
//! WALI module starts Lamina again, inside the view), the programs
//! `--allow-exec` grants, and `/proc` (the syscall layer resolves descriptors
//! through `/proc/self/fd`; Landlock still keeps the guest out of it).
//! Symbolic links on the way to those paths (`/lib64 -> usr/lib64`, …) are
//! made again in the view, so the dynamic loader finds what it looks for.
//!
//! The host is never changed: mount points are made in the tmpfs, and a
//! grant that falls inside another granted directory is mounted there only
//! over something that already exists.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::fd::OwnedFd;
use std::path::{Component, Path, PathBuf};

use rustix::fs::{CWD, Mode, OFlags, mkdirat, openat, symlinkat};
use rustix::mount::{
    FsMountFlags, FsOpenFlags, MountAttrFlags, MountPropagationFlags, MoveMountFlags, OpenTreeFlags, UnmountFlags,
    fsconfig_create, fsconfig_set_string, fsmount, fsopen, mount_change, move_mount, open_tree, unmount,
};
use rustix::process::{Gid, Uid, chdir, fchdir, geteuid, getgid, getuid, pivot_root};
use rustix::thread::{CapabilitySet, CapabilitySets, UnshareFlags, set_capabilities, unshare_unsafe};
use wasmtime::{Result, bail, format_err};

/// A host file or directory, and the path it has in the view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Exposure {
    pub host: PathBuf,
    pub path: PathBuf,
}

impl Exposure {
    /// Shown at its own path.
    pub fn same(path: impl Into<PathBuf>) -> Exposure {
        let path = path.into();
        Exposure { host: path.clone(), path }
    }
}

/// Enters a user namespace of its own, where an unprivileged process may
/// make a mount namespace: the user is itself there, with the capabilities
/// [`enter`] needs and then drops. The kernel gives one only to a process with
/// a single thread, so this comes before anything (compiling the module)
/// starts threads.
pub(crate) fn enter_user_namespace() -> Result<()> {
    let (uid, gid) = (getuid(), getgid());
    // SAFETY: a new user namespace shares no descriptors with other threads.
    unsafe { unshare_unsafe(UnshareFlags::NEWUSER) }.map_err(|e| {
        format_err!(
            "cannot make the user namespace that mapping a directory at another path needs without privileges: {e} \
             (give each directory at its own path instead)"
        )
    })?;
    map_ids(uid, gid).map_err(|e| format_err!("cannot map the user in the sandbox's user namespace: {e}"))
}

/// Enters a new mount namespace whose root holds exactly `exposures`, and
/// makes `cwd` (a path in the view) the working directory. Only the calling
/// thread changes: the guest's threads are all started from it afterwards.
/// Without privileges, [`enter_user_namespace`] must have come first.
pub(crate) fn enter(exposures: &[Exposure], cwd: &Path) -> Result<()> {
    let plan = Plan::new(exposures)?;
    let namespace_error = |e: rustix::io::Errno| {
        format_err!(
            "cannot make the private mount namespace that mapping a directory at another path needs: {e} \
             (give each directory at its own path instead)"
        )
    };
    // SAFETY: a new mount namespace (and, implied, a private copy of the
    // working directory and root) shares no descriptors with other threads.
    unsafe { unshare_unsafe(UnshareFlags::NEWNS) }.map_err(namespace_error)?;
    // Nothing mounted from here on may propagate back to the host's namespace.
    mount_change("/", MountPropagationFlags::REC | MountPropagationFlags::PRIVATE).map_err(namespace_error)?;
    let root = new_tmpfs().map_err(namespace_error)?;
    // Mounted over "/", the tmpfs is reachable only through `root` until the
    // pivot: host paths still resolve as before while the view is built.
    move_mount(&root, "", CWD, "/", MoveMountFlags::MOVE_MOUNT_F_EMPTY_PATH).map_err(namespace_error)?;
    plan.build(&root)?;
    fchdir(&root)?;
    // The old root is stacked on the new one, and then detached for good.
    pivot_root(".", ".").map_err(namespace_error)?;
    unmount(".", UnmountFlags::DETACH).map_err(namespace_error)?;
    chdir(cwd).or_else(|_| chdir("/"))?;
    if !geteuid().is_root() {
        // The guest keeps none of the capabilities a user namespace gave.
        let none = CapabilitySets {
            effective: CapabilitySet::empty(),
            permitted: CapabilitySet::empty(),
            inheritable: CapabilitySet::empty(),
        };
        set_capabilities(None, none)?;
    }
    Ok(())
}

/// The user is itself in the new user namespace (and may not change its
/// groups there, which the kernel requires before a group map).
fn map_ids(uid: Uid, gid: Gid) -> std::io::Result<()> {
    std::fs::write("/proc/self/setgroups", "deny")?;
    std::fs::write("/proc/self/uid_map", format!("{0} {0} 1", uid.as_raw()))?;
    std::fs::write("/proc/self/gid_map", format!("{0} {0} 1", gid.as_raw()))
}

fn new_tmpfs() -> rustix::io::Result<OwnedFd> {
    let fs = fsopen("tmpfs", FsOpenFlags::FSOPEN_CLOEXEC)?;
    fsconfig_set_string(&fs, "mode", "0755")?;
    fsconfig_create(&fs)?;
    fsmount(&fs, FsMountFlags::FSMOUNT_CLOEXEC, MountAttrFlags::MOUNT_ATTR_NOSUID | MountAttrFlags::MOUNT_ATTR_NODEV)
}

/// What the view's root holds, by path (parents sort before children).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Node {
    /// A directory made in the tmpfs to hold what is below it.
    Dir,
    Symlink(PathBuf),
    /// A host file or directory (with what is mounted beneath it) mounted
    /// here; `make_point`: the mount point is made in the tmpfs (otherwise
    /// it exists in a granted directory mounted above).
    Bind {
        host: PathBuf,
        dir: bool,
        make_point: bool,
    },
}

#[derive(Debug, Default)]
struct Plan {
    nodes: BTreeMap<PathBuf, Node>,
}

/// More symbolic links than this on the way to one path is a loop (the
/// kernel's own limit).
const MAX_SYMLINKS: usize = 40;

impl Plan {
    fn new(exposures: &[Exposure]) -> Result<Plan> {
        let mut plan = Plan::default();
        // Directories first, shallowest first: what lies in a granted
        // directory is then found there instead of being made anew.
        let mut ordered: Vec<&Exposure> = exposures.iter().collect();
        ordered.sort_by_key(|e| (!e.host.is_dir(), e.path.components().count()));
        for e in ordered {
            if e.host == e.path {
                plan.add_host_path(&e.path)?;
            } else {
                plan.add_mapped(e)?;
            }
        }
        Ok(plan)
    }

    /// A directory shown at a path of the guest's choosing: the path is
    /// made of new directories.
    fn add_mapped(&mut self, e: &Exposure) -> Result<()> {
        if !e.path.is_absolute() || e.path.components().any(|c| !matches!(c, Component::RootDir | Component::Normal(_)))
        {
            bail!("the guest path {} must be absolute, without . or .. components", e.path.display());
        }
        if e.path == Path::new("/") {
            bail!("mapping {} at / is not supported: give it a directory path", e.host.display());
        }
        for ancestor in e.path.ancestors().skip(1).filter(|a| *a != Path::new("/")) {
            self.insert(ancestor, Node::Dir)?;
        }
        self.insert(&e.path, Node::Bind { host: e.host.clone(), dir: e.host.is_dir(), make_point: true })
    }

    /// A host path shown at the same path, with the symbolic links on the
    /// way to it made again.
    fn add_host_path(&mut self, path: &Path) -> Result<()> {
        let mut at = PathBuf::from("/");
        let mut rest: Vec<OsString> = components(path)?;
        rest.reverse();
        let mut links = 0;
        while let Some(name) = rest.pop() {
            if name == ".." {
                at.pop();
                continue;
            }
            let next = at.join(&name);
            let meta = std::fs::symlink_metadata(&next).map_err(|e| format_err!("{}: {e}", next.display()))?;
            if meta.is_symlink() {
                links += 1;
                if links > MAX_SYMLINKS {
                    bail!("{}: too many levels of symbolic links", path.display());
                }
                let target = std::fs::read_link(&next)?;
                self.insert(&next, Node::Symlink(target.clone()))?;
                if target.is_absolute() {
                    at = PathBuf::from("/");
                }
                rest.extend(components(&target)?.into_iter().rev());
            } else if rest.is_empty() {
                self.insert(&next, Node::Bind { host: next.clone(), dir: meta.is_dir(), make_point: true })?;
            } else {
                self.insert(&next, Node::Dir)?;
                at = next;
            }
        }
        Ok(())
    }

    /// Adds `node` at `path`, unless a granted directory above already shows
    /// it.
    fn insert(&mut self, path: &Path, node: Node) -> Result<()> {
        if let Some((above, host_above)) = self.bound_dir_above(path) {
            let host = host_above.join(path.strip_prefix(&above).expect("an ancestor"));
            return match node {
                Node::Bind { host: wanted, dir, .. } if wanted != host => {
                    // Mounted over what the directory above has there.
                    if host.symlink_metadata().map(|m| m.is_dir() == dir).unwrap_or(false) {
                        self.nodes.insert(path.into(), Node::Bind { host: wanted, dir, make_point: false });
                        Ok(())
                    } else {
                        bail!(
                            "cannot show {} at {}: that lies in the directory given at {}, which has no {} there",
                            wanted.display(),
                            path.display(),
                            above.display(),
                            if dir { "directory" } else { "file" }
                        )
                    }
                }
                Node::Symlink(target) if std::fs::read_link(&host).ok().as_ref() != Some(&target) => {
                    bail!("cannot make the link {} in the directory given at {}", path.display(), above.display())
                }
                Node::Dir if !host.is_dir() => {
                    bail!("cannot make the directory {} in the directory given at {}", path.display(), above.display())
                }
                // Already there as it is on the host.
                _ => Ok(()),
            };
        }
        match (self.nodes.get(path), &node) {
            (None, _) => {}
            (Some(old), new) if old == new => return Ok(()),
            // A granted directory holds what is below it already.
            (Some(Node::Bind { dir: true, .. }), Node::Dir) => return Ok(()),
            // A directory made to hold other things becomes a granted one:
            // what was planned beneath it must now be found in it.
            (Some(Node::Dir), Node::Bind { dir: true, .. }) => {}
            (Some(old), _) => bail!("{} is needed both as {old:?} and as {node:?}", path.display()),
        }
        let below: Vec<(PathBuf, Node)> = self
            .nodes
            .range(path.to_path_buf()..)
            .skip_while(|(p, _)| *p == path)
            .take_while(|(p, _)| p.starts_with(path))
            .map(|(p, n)| (p.clone(), n.clone()))
            .collect();
        self.nodes.insert(path.into(), node);
        for (p, n) in below {
            self.nodes.remove(&p);
            self.insert(&p, n)?;
        }
        Ok(())
    }

    /// The nearest granted directory strictly above `path`, with its host path.
    fn bound_dir_above(&self, path: &Path) -> Option<(PathBuf, PathBuf)> {
        path.ancestors().skip(1).find_map(|a| match self.nodes.get(a) {
            Some(Node::Bind { host, dir: true, .. }) => Some((a.to_path_buf(), host.clone())),
            _ => None,
        })
    }

    /// Makes the view in `root`, the new tmpfs.
    fn build(&self, root: &OwnedFd) -> Result<()> {
        for (path, node) in &self.nodes {
            let relative = path.strip_prefix("/").expect("absolute");
            let context = |e: rustix::io::Errno| format_err!("cannot show {} to the guest: {e}", path.display());
            match node {
                Node::Dir => mkdirat(root, relative, Mode::from_raw_mode(0o755)).map_err(context)?,
                Node::Symlink(target) => symlinkat(target, root, relative).map_err(context)?,
                Node::Bind { host, dir, make_point } => {
                    if *make_point && *dir {
                        mkdirat(root, relative, Mode::from_raw_mode(0o755)).map_err(context)?;
                    } else if *make_point {
                        openat(root, relative, OFlags::CREATE | OFlags::WRONLY | OFlags::CLOEXEC, Mode::RUSR)
                            .map_err(context)?;
                    }
                    let tree = open_tree(
                        CWD,
                        host,
                        OpenTreeFlags::OPEN_TREE_CLONE | OpenTreeFlags::OPEN_TREE_CLOEXEC | OpenTreeFlags::AT_RECURSIVE,
                    )
                    .map_err(context)?;
                    move_mount(&tree, "", root, relative, MoveMountFlags::MOVE_MOUNT_F_EMPTY_PATH).map_err(context)?;
                }
            }
        }
        Ok(())
    }
}

/// The names of an absolute path (`..` kept, `.` dropped).
fn components(path: &Path) -> Result<Vec<OsString>> {
    let mut names = vec![];
    for c in path.components() {
        match c {
            Component::RootDir | Component::CurDir => {}
            Component::ParentDir => names.push("..".into()),
            Component::Normal(name) => names.push(name.to_os_string()),
            Component::Prefix(_) => bail!("{}: not a Unix path", path.display()),
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("lamina-view-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("data/sub")).unwrap();
        std::fs::create_dir_all(root.join("real/lib")).unwrap();
        std::fs::write(root.join("real/lib/libx.so"), "").unwrap();
        std::os::unix::fs::symlink("real/lib", root.join("lib")).unwrap();
        root.canonicalize().unwrap()
    }

    fn bind(host: &Path, dir: bool, make_point: bool) -> Node {
        Node::Bind { host: host.into(), dir, make_point }
    }

    #[test]
    fn links_on_the_way_are_made_again_and_the_target_is_shown() {
        let t = tree("links");
        let plan = Plan::new(&[Exposure::same(t.join("lib/libx.so"))]).unwrap();
        assert_eq!(plan.nodes.get(&t.join("lib")), Some(&Node::Symlink("real/lib".into())));
        assert_eq!(plan.nodes.get(&t.join("real/lib")), Some(&Node::Dir));
        let file = t.join("real/lib/libx.so");
        assert_eq!(plan.nodes.get(&file), Some(&bind(&file, false, true)));
        assert!(!plan.nodes.contains_key(&t.join("lib/libx.so")), "nothing is made through a link");
    }

    #[test]
    fn mapped_directories_get_new_parents_and_what_lies_in_a_grant_is_found_there() {
        let t = tree("mapped");
        let data = t.join("data");
        let exposures = [
            Exposure { host: data.clone(), path: "/guest/data".into() },
            Exposure::same(&data),
            // In a granted directory: shown by it, not made again.
            Exposure::same(data.join("sub")),
            // Mounted over a directory the grant has.
            Exposure { host: t.join("real"), path: "/guest/data/sub".into() },
        ];
        let plan = Plan::new(&exposures).unwrap();
        assert_eq!(plan.nodes.get(Path::new("/guest")), Some(&Node::Dir));
        assert_eq!(plan.nodes.get(Path::new("/guest/data")), Some(&bind(&data, true, true)));
        assert_eq!(plan.nodes.get(&data), Some(&bind(&data, true, true)));
        assert!(!plan.nodes.contains_key(&data.join("sub")));
        assert_eq!(plan.nodes.get(Path::new("/guest/data/sub")), Some(&bind(&t.join("real"), true, false)));
    }

    #[test]
    fn the_host_is_never_changed_to_make_a_mount_point() {
        let t = tree("points");
        let exposures = [
            Exposure { host: t.join("data"), path: "/guest".into() },
            Exposure { host: t.join("real"), path: "/guest/missing".into() },
        ];
        let e = Plan::new(&exposures).unwrap_err().to_string();
        assert!(e.contains("/guest/missing") && e.contains("has no directory there"), "{e}");
        for bad in ["relative", "/a/../b", "/"] {
            let e = Plan::new(&[Exposure { host: t.join("data"), path: bad.into() }]).unwrap_err().to_string();
            assert!(e.contains(bad), "{e}");
        }
    }

    #[test]
    fn a_directory_granted_later_takes_in_what_was_planned_beneath_it() {
        let t = tree("later");
        let lib = t.join("real/lib");
        // A file first (its parents planned as directories), then its
        // directory as a grant of its own: the file is then found in it.
        let mut plan = Plan::default();
        plan.add_host_path(&lib.join("libx.so")).unwrap();
        assert_eq!(plan.nodes.get(&lib), Some(&Node::Dir));
        plan.add_host_path(&t.join("lib")).unwrap();
        assert_eq!(plan.nodes.get(&lib), Some(&bind(&lib, true, true)));
        assert!(!plan.nodes.contains_key(&lib.join("libx.so")));
    }
}
