#!/usr/bin/env bash
# Builds the guest images that `hartvm boot` runs on its QEMU virt-compatible board, from Debian
# packages only:
#   Image           Linux 6.1 for riscv64 (linux-source-6.1, defconfig + guest/linux/hartvm.config)
#   rootfs.cpio.gz  initramfs: static busybox (Debian's busybox source) + guest/rootfs/init
#                   + its DHCP script (guest/rootfs/udhcpc.script)
#                   + /usr/bin/smp-stress (guest/smp/stress.c, static, for the SMP tests)
#   disk.ext2       a small ext2 disk for virtio-blk (the guest mounts it on /mnt)
#   fw_dynamic.bin  the firmware: Debian's OpenSBI (package opensbi), as it is
#   manifest.json   the versions and files that went in
#   ship/           what images/ in the checkout holds: the four files gzip-compressed
#                   (gzip -9 -n) and a manifest.json of package versions, sizes and SHA-256 sums
# The same package versions give the same bytes: every time stamp is the date of the kernel
# source package's changelog, and no path, user, host or random number gets in.
# They are cached outside the checkout, in ${HARTVM_CACHE:-${XDG_CACHE_HOME:-~/.cache}/hartvm}/images/<key>/,
# where <key> hashes every input (package versions, the config fragment, guest/rootfs/,
# guest/smp/, this script); ${cache}/images/current links to the last one built or found.
# Nothing is built when that directory is complete already. The last line on stdout is
# `images: <dir>`. The kernel is also kept in ${cache}/linux/<kernel key>/, so it is built again
# only when its own inputs change.
#
#   scripts/build-images.sh              install what is missing, build (or find) the images
#   scripts/build-images.sh --print-dir  print the directory the images are (or would be) in; no build
#   scripts/build-images.sh --ship       build (or find) them and write images/ (commit it afterwards)
#   scripts/build-images.sh --check      build (or find) them and compare with images/: exit 0 when
#                                        the bytes are the same; exit 1 when the installed package
#                                        versions are not those recorded in images/manifest.json
#                                        (refresh with --ship), or when the bytes differ
#
# Environment: HARTVM_CACHE (cache root), HARTVM_JOBS (make -j, default nproc),
# HARTVM_KEEP_WORK=1 (keep the build tree under ${cache}/work after a successful build).
# scripts/check-images-qemu.sh boots the result in QEMU as a check.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SELF="$ROOT/scripts/build-images.sh"
# The modes of the files that go into the images come from here.
umask 022

MODE=build
for arg in "$@"; do
  case $arg in
    --print-dir) MODE=print-dir ;;
    --ship) MODE=ship ;;
    --check) MODE=check ;;
    -h | --help) sed -n '2,/^set -euo/p' "$SELF" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-images: unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

CACHE=${HARTVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hartvm}
IMAGES="$CACHE/images"
JOBS=${HARTVM_JOBS:-$(nproc)}
FRAGMENT="$ROOT/guest/linux/hartvm.config"
ROOTFS_SRC="$ROOT/guest/rootfs"
SMP_SRC="$ROOT/guest/smp"
# The images shipped with the project (--ship writes them, --check compares with them).
SHIPPED="$ROOT/images"
LINUX_PKG=linux-source-6.1
LINUX_TARBALL=/usr/src/linux-source-6.1.tar.xz
CROSS=riscv64-linux-gnu-
FIRMWARE=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
# ship/: each image gzip-compressed (the initramfs is already), and the manifest.
SHIP_FILES=(fw_dynamic.bin.gz Image.gz rootfs.cpio.gz disk.ext2.gz manifest.json)
OUTPUTS=(Image rootfs.cpio.gz disk.ext2 fw_dynamic.bin manifest.json "${SHIP_FILES[@]/#/ship/}")
# The guest disk's file system UUID (and directory hash seed): fixed, for reproducible bytes.
DISK_UUID=68617274-766d-4000-8000-6469736b0001

# Debian packages: the kernel source, the riscv64 Linux cross toolchain and glibc (static
# busybox and smp-stress), what the kernel build needs on the host, dpkg-dev for
# `apt-get source busybox`, cpio/e2fsprogs/xz for the images, and QEMU + OpenSBI + dtc for
# scripts/check-images-qemu.sh.
PACKAGES=(
  "$LINUX_PKG" gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
  build-essential bc bison flex libssl-dev libelf-dev cpio xz-utils e2fsprogs dpkg-dev
  python3 perl
  opensbi qemu-system-misc device-tree-compiler
)

say() { echo "images: $*"; }
die() { echo "images: error: $*" >&2; exit 1; }
size() { numfmt --to=iec --suffix=B "$(stat -c %s "$1")"; }
elapsed() { local s=$(($(date +%s) - $1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# Runs a make (or any long command) with its output in a log, and says every HEARTBEAT seconds
# how far it is: time so far and object files compiled, of about EXPECTED with a percentage when
# that is known (images/manifest.json records the counts of the last --ship).
HEARTBEAT=${HARTVM_HEARTBEAT:-20}
with_progress() {
  local what=$1 log=$2 tree=$3 expected=$4 start pid n of ticks=0
  shift 4
  start=$(date +%s)
  "$@" >>"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if (( ++ticks % HEARTBEAT == 0 )); then
      n=$(find "$tree" -name '*.o' 2>/dev/null | wc -l)
      of=""
      if [[ $expected =~ ^[1-9][0-9]*$ ]]; then
        # A guess from another build: never 100% before the end.
        of=" of about $expected ($(( n * 100 / expected > 99 ? 99 : n * 100 / expected ))%)"
      fi
      say "  $what: $(elapsed "$start"), $n objects compiled$of"
    fi
  done
  wait "$pid"
}

# A number recorded in images/manifest.json ("name": 123), or nothing.
shipped_number() {
  [[ -f $SHIPPED/manifest.json ]] || return 0
  sed -n "s/^ *\"$1\": *\([0-9][0-9]*\),\{0,1\} *\$/\1/p" "$SHIPPED/manifest.json" | head -1
}

SUDO=()
need_root() {
  if [[ $(id -u) -eq 0 ]]; then SUDO=(); elif command -v sudo >/dev/null; then SUDO=(sudo); else
    die "need root (or sudo) to $1"
  fi
}

APT_UPDATED=0
apt_update() {
  ((APT_UPDATED)) && return 0
  need_root "run apt-get update"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  APT_UPDATED=1
}

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  say "installing Debian packages: ${missing[*]}"
  need_root "install: ${missing[*]}"
  apt_update
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# deb-src entries, for `apt-get source busybox`: when no source list has one, add
# /etc/apt/sources.list.d/hartvm-deb-src.sources with the same URIs, suites and keys as the
# binary entries of this release (deb822 .sources files or one-line .list files), then update.
have_deb_src() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] && grep -Eq '^[[:space:]]*deb-src[[:space:]]' "$f" && return 0
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] && grep -Eiq '^Types:.*deb-src' "$f" && return 0
  done
  return 1
}

add_deb_src() {
  local codename out=/etc/apt/sources.list.d/hartvm-deb-src.sources text="" f
  # shellcheck disable=SC1091
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [[ -n $codename ]] || die "cannot tell the Debian release (VERSION_CODENAME in /etc/os-release)"
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    # Each stanza of type deb for this release becomes a deb-src stanza.
    text+=$(awk -v codename="$codename" '
      function flush() {
        if (types ~ /(^|[ \t])deb([ \t]|$)/ && suites ~ codename && uris != "" && enabled != "no")
          printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents: %s\n%s\n", uris, suites, comps, (key != "" ? "Signed-By: " key "\n" : "")
        types = uris = suites = comps = key = enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      { field = tolower($1); sub(/^[^:]*:[ \t]*/, "") }
      field == "types:" { types = $0 } field == "uris:" { uris = $0 } field == "suites:" { suites = $0 }
      field == "components:" { comps = $0 } field == "signed-by:" { key = $0 } field == "enabled:" { enabled = tolower($0) }
      END { flush() }' "$f")$'\n'
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    # One-line entries: "deb [opts] URI suite components..." for this release.
    text+=$(awk -v codename="$codename" '
      $1 == "deb" && $0 ~ codename {
        opts = ""; i = 2
        if ($2 ~ /^\[/) { while ($i !~ /\]$/) { opts = opts $i " "; i++ } opts = opts $i; i++ }
        comps = ""; for (j = i + 2; j <= NF; j++) comps = comps (comps == "" ? "" : " ") $j
        key = ""; if (match(opts, /signed-by=[^] ]+/)) key = substr(opts, RSTART + 10, RLENGTH - 10)
        printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents: %s\n%s\n", $i, $(i + 1), comps, (key != "" ? "Signed-By: " key "\n" : "")
      }' "$f")$'\n'
  done
  if ! grep -q '^Types: deb-src' <<<"$text"; then
    text="Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $codename $codename-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"
  fi
  say "adding deb-src entries (for apt-get source busybox): $out"
  need_root "add $out"
  { echo "# Added by hartvm scripts/build-images.sh: the source packages of the binary entries, for apt-get source."
    printf '%s\n' "$text" | cat -s; } | "${SUDO[@]}" tee "$out" >/dev/null
  APT_UPDATED=0
  apt_update
}

# The newest busybox source version apt knows of (what `apt-get source busybox` would fetch).
busybox_source_version() {
  apt-cache showsrc busybox 2>/dev/null | awk '/^Package: /{p = ($2 == "busybox")} p && /^Version: /{print $2}' |
    while read -r v; do
      if [[ -z ${best:-} ]] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
      echo "$best"
    done | tail -1
}

pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }

# The Debian package a command comes from (e.g. riscv64-linux-gnu-gcc: gcc-12-riscv64-linux-gnu).
command_package() {
  local path
  path=$(command -v "$1" 2>/dev/null) || return 0
  dpkg-query -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1 | cut -d, -f1
}

# The Debian packages whose versions decide the images' bytes, one "name version" line each: the
# kernel source; busybox's source package (src:busybox); the cross compiler and binutils (their
# versions are in the kernel's banner); the cross glibc (in static busybox and smp-stress);
# OpenSBI (the firmware, as it is); e2fsprogs (mkfs.ext2 makes the disk); gzip (the compressed
# files). A name with no version is a package that is not installed.
package_versions() {
  local gcc_pkg ld_pkg
  gcc_pkg=$(command_package "${CROSS}gcc")
  ld_pkg=$(command_package "${CROSS}ld")
  printf '%s %s\n' \
    "$LINUX_PKG" "$(pkg_version "$LINUX_PKG")" \
    src:busybox "$(busybox_source_version)" \
    "${gcc_pkg:-gcc-riscv64-linux-gnu}" "$(pkg_version "${gcc_pkg:-gcc-riscv64-linux-gnu}")" \
    "${ld_pkg:-binutils-riscv64-linux-gnu}" "$(pkg_version "${ld_pkg:-binutils-riscv64-linux-gnu}")" \
    libc6-dev-riscv64-cross "$(pkg_version libc6-dev-riscv64-cross)" \
    opensbi "$(pkg_version opensbi)" \
    e2fsprogs "$(pkg_version e2fsprogs)" \
    gzip "$(pkg_version gzip)"
}

# A version from the list above.
version_of() { awk -v n="$1" '$1 == n { print $2 }' <<<"$VERSIONS"; }

# The inputs and the key. The kernel has a key of its own too (its cache is ${cache}/linux/), so
# that the Image is not built again when only the rootfs, the disk or the rest of this script change.
compute_key() {
  VERSIONS=$(package_versions)
  LINUX_VERSION=$(version_of "$LINUX_PKG")
  BUSYBOX_VERSION=$(version_of src:busybox)
  GCC_VERSION=$("${CROSS}gcc" --version 2>/dev/null | head -1 || true)
  [[ -n $LINUX_VERSION ]] || die "$LINUX_PKG is not installed (run scripts/build-images.sh without --print-dir)"
  [[ -n $BUSYBOX_VERSION ]] || die "no busybox source package known to apt (deb-src; run scripts/build-images.sh without --print-dir)"
  [[ -n $GCC_VERSION ]] || die "${CROSS}gcc is not installed (run scripts/build-images.sh without --print-dir)"
  local missing
  missing=$(awk 'NF < 2 { printf "%s%s", sep, $1; sep = ", " }' <<<"$VERSIONS")
  [[ -z $missing ]] || die "not installed: $missing (run scripts/build-images.sh without --print-dir)"
  [[ -f $FRAGMENT ]] || die "missing $FRAGMENT"
  [[ -f $ROOTFS_SRC/init ]] || die "missing $ROOTFS_SRC/init"
  [[ -f $ROOTFS_SRC/udhcpc.script ]] || die "missing $ROOTFS_SRC/udhcpc.script"
  [[ -f $SMP_SRC/stress.c ]] || die "missing $SMP_SRC/stress.c"
  [[ -f $FIRMWARE ]] || die "missing $FIRMWARE (Debian package opensbi)"
  # Every time stamp in the images is the date of the kernel source package's newest changelog
  # entry, so the same package versions give the same bytes.
  SOURCE_DATE_EPOCH=$(date -d "$(zcat "/usr/share/doc/$LINUX_PKG/changelog.Debian.gz" | sed -n 's/^ -- .*>  //p' | head -1)" +%s)
  export SOURCE_DATE_EPOCH
  local inputs f
  inputs=$(sed 's/^/package /' <<<"$VERSIONS")$'\n'"cross-gcc $GCC_VERSION"$'\n'
  # The kernel's inputs: its source, the compiler and binutils, the fragment, build_kernel.
  KERNEL_KEY=$(printf '%s\n%s\n%s\n%s\n%s\n' "$LINUX_VERSION" "$GCC_VERSION" "$(sed -n 3,4p <<<"$VERSIONS")" \
    "$(sha256sum <"$FRAGMENT")" "$(declare -f build_kernel)" | sha256sum | cut -c1-16)
  while IFS= read -r f; do
    inputs+="file ${f#"$ROOT"/} $(sha256sum <"$f" | cut -d' ' -f1)"$'\n'
  done < <({ echo "$FRAGMENT"; find "$ROOTFS_SRC" "$SMP_SRC" -type f | LC_ALL=C sort; echo "$SELF"; })
  KEY_INPUTS=$inputs
  KEY=$(printf '%s' "$inputs" | sha256sum | cut -c1-16)
  DIR="$IMAGES/$KEY"
}

complete() {
  local o
  for o in "${OUTPUTS[@]}"; do [[ -s $1/$o ]] || return 1; done
}

link_current() { ln -sfn "$KEY" "$IMAGES/current.tmp" && mv -Tf "$IMAGES/current.tmp" "$IMAGES/current"; }

# --- the builds (each runs in $WORK, logs to $WORK/logs, leaves its output in $OUT) ---

build_kernel() {
  local src="$WORK/linux" log="$WORK/logs/linux.log" make=(make -C "$WORK/linux" ARCH=riscv CROSS_COMPILE="$CROSS")
  mkdir -p "$src"
  tar -xJf "$LINUX_TARBALL" -C "$src" --strip-components=1
  # Reproducible: the version string's date is the source package's, its build number 1.
  export KBUILD_BUILD_USER=hartvm KBUILD_BUILD_HOST=hartvm KBUILD_BUILD_VERSION=1
  KBUILD_BUILD_TIMESTAMP=$(date -u -d "@$SOURCE_DATE_EPOCH" '+%a %b %e %H:%M:%S UTC %Y')
  export KBUILD_BUILD_TIMESTAMP
  "${make[@]}" defconfig >"$log" 2>&1
  (cd "$src" && scripts/kconfig/merge_config.sh -m -O . .config "$FRAGMENT") >>"$log" 2>&1
  "${make[@]}" olddefconfig >>"$log" 2>&1
  # Every line of the fragment must have taken effect: "=value" lines exactly, "is not set" lines
  # as not set (a symbol whose dependencies are off is absent from .config, which is fine).
  local line bad=0
  while IFS= read -r line; do
    if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
      grep -qxF "$line" "$src/.config" || {
        echo "images: config: wanted $line, got: $(grep -E "^(# )?${BASH_REMATCH[1]}[= ]" "$src/.config" || echo "(absent)")" >&2
        bad=1
      }
    elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set ]]; then
      if grep -qE "^${BASH_REMATCH[1]}=" "$src/.config"; then
        echo "images: config: wanted ${BASH_REMATCH[1]} off, got: $(grep -E "^${BASH_REMATCH[1]}=" "$src/.config")" >&2
        bad=1
      fi
    fi
  done <"$FRAGMENT"
  ((bad == 0)) || die "the kernel configuration does not match guest/linux/hartvm.config (see above; the .config is $src/.config)"
  cp "$src/.config" "$OUT/linux.config"
  with_progress "Linux" "$log" "$src" "${LINUX_OBJECTS:-}" "${make[@]}" -j"$JOBS" Image
  cp "$src/arch/riscv/boot/Image" "$OUT/Image"
}

build_busybox() {
  local log="$WORK/logs/busybox.log" src
  mkdir -p "$WORK/busybox-src"
  (cd "$WORK/busybox-src" && apt-get source -q "busybox=$BUSYBOX_VERSION") >"$log" 2>&1
  src=$(find "$WORK/busybox-src" -mindepth 1 -maxdepth 1 -type d -name 'busybox-*' | head -1)
  [[ -n $src ]] || die "apt-get source busybox left no source tree (see $log)"
  local make=(make -C "$src" CROSS_COMPILE="$CROSS")
  # Reproducible: no build date in the banner.
  export KCONFIG_NOTIMESTAMP=1
  "${make[@]}" defconfig >>"$log" 2>&1
  # Static against the cross glibc. Applets that cannot work or build that way are turned off.
  local off=(
    CONFIG_FEATURE_HAVE_RPC CONFIG_FEATURE_INETD_RPC # Sun RPC is gone from glibc
    CONFIG_PAM CONFIG_SELINUX
  )
  local o
  sed -i 's/^# CONFIG_STATIC is not set$/CONFIG_STATIC=y/' "$src/.config"
  for o in "${off[@]}"; do sed -i "s/^$o=y$/# $o is not set/" "$src/.config"; done
  { yes '' || true; } | "${make[@]}" oldconfig >>"$log" 2>&1
  grep -qx 'CONFIG_STATIC=y' "$src/.config" || die "busybox: CONFIG_STATIC did not stick"
  with_progress "busybox" "$log" "$src" "${BUSYBOX_EXPECTED:-}" "${make[@]}" -j"$JOBS"
  "${make[@]}" CONFIG_PREFIX="$WORK/rootfs" install >>"$log" 2>&1
  cp "$src/.config" "$OUT/busybox.config"
  if "${CROSS}readelf" -l "$src/busybox" | grep -q INTERP; then die "busybox is not statically linked"; fi
}

# The SMP stress program (guest/smp/stress.c), static against the cross glibc, installed in the
# initramfs as /usr/bin/smp-stress. -pthread also links libatomic (its 16-bit atomics).
build_smp_stress() {
  local log="$WORK/logs/smp-stress.log" bin="$WORK/rootfs/usr/bin/smp-stress"
  mkdir -p "$(dirname "$bin")"
  # Compiled from its own folder, so that no checkout path ends up in the binary.
  (cd "$SMP_SRC" && "${CROSS}gcc" -static -pthread -O2 -Wall -Wextra -o "$bin" stress.c) >"$log" 2>&1 ||
    die "smp-stress did not build (see $log)"
  if "${CROSS}readelf" -l "$bin" | grep -q INTERP; then die "smp-stress is not statically linked"; fi
}

# The initramfs, made with the kernel's gen_init_cpio from a list file: every entry owned by
# root, device nodes made without being root, no fakeroot.
build_rootfs() {
  local r="$WORK/rootfs" list="$WORK/rootfs.list" gen="$WORK/gen_init_cpio"
  if [[ -f $WORK/linux/usr/gen_init_cpio.c ]]; then
    cc -O2 -o "$gen" "$WORK/linux/usr/gen_init_cpio.c"
  else
    tar -xJf "$LINUX_TARBALL" -C "$WORK" --strip-components=2 linux-source-6.1/usr/gen_init_cpio.c
    cc -O2 -o "$gen" "$WORK/gen_init_cpio.c"
  fi
  mkdir -p "$r"/{proc,sys,dev,tmp,mnt,root,etc,run,var/log}
  install -m 0755 "$ROOTFS_SRC/init" "$r/init"
  install -D -m 0755 "$ROOTFS_SRC/udhcpc.script" "$r/usr/share/udhcpc/default.script"
  cat >"$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$r/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
  # busybox init takes over PID 1 from /init: a shell with job control on the console
  # (cttyhack finds the real tty behind /dev/console), run again when it exits; poweroff and
  # reboot signal init, which unmounts the disks and then powers off or resets through the kernel.
  cat >"$r/etc/inittab" <<'EOF'
::respawn:/bin/cttyhack /bin/sh -l
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/sync
::shutdown:/bin/umount -a -r -t ext2,ext3,ext4
EOF
  cat >"$r/etc/profile" <<'EOF'
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
export HOME=/root
export PS1='\w \$ '
cd "$HOME"
EOF
  echo hartvm >"$r/etc/hostname"
  : >"$r/etc/fstab"
  # gen_init_cpio -t dates only the entries it makes itself (directories, links, device nodes): a
  # file keeps its own modification time, so every file gets the source date.
  find "$r" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  {
    (cd "$r" && find . -mindepth 1 | LC_ALL=C sort) | while IFS= read -r p; do
      p=${p#.}
      local f="$r$p" mode
      mode=$(stat -c '%a' "$f")
      if [[ -L $f ]]; then
        echo "slink $p $(readlink "$f") 0777 0 0"
      elif [[ -d $f ]]; then
        [[ $p == /root ]] && mode=700
        [[ $p == /tmp ]] && mode=1777
        echo "dir $p $mode 0 0"
      elif [[ -f $f ]]; then
        echo "file $p $f $mode 0 0"
      fi
    done
    echo "nod /dev/console 0600 0 0 c 5 1"
    echo "nod /dev/null 0666 0 0 c 1 3"
    echo "nod /dev/ttyS0 0600 0 0 c 4 64"
  } >"$list"
  "$gen" -t "$SOURCE_DATE_EPOCH" "$list" | gzip -9 -n >"$OUT/rootfs.cpio.gz"
}

build_disk() {
  local d="$WORK/disk"
  mkdir -p "$d"
  cat >"$d/README" <<'EOF'
This is the hartvm guest disk (disk.ext2): an ext2 file system on the board's first virtio
block device, /dev/vda, which the guest's /init mounts read-write on /mnt.
It was made by hartvm's scripts/build-images.sh with mkfs.ext2 -d, without mounting anything.
EOF
  rm -f "$OUT/disk.ext2"
  # Reproducible: a fixed UUID and directory hash seed, every time stamp the source date.
  touch -h -d "@$SOURCE_DATE_EPOCH" "$d" "$d"/*
  E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH mkfs.ext2 -q -F -L hartvm -U "$DISK_UUID" \
    -E root_owner=0:0,hash_seed="$DISK_UUID" -d "$d" "$OUT/disk.ext2" 32M >"$WORK/logs/disk.log" 2>&1
  # mkfs.ext2 -d copies each file's owner and change time (which touch cannot set) from the
  # host: every file is root's and changed at the source date instead.
  local f cmds=""
  for f in "$d"/*; do
    f=/${f##*/}
    cmds+="sif $f ctime @$SOURCE_DATE_EPOCH"$'\n'"sif $f uid 0"$'\n'"sif $f gid 0"$'\n'
  done
  E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH debugfs -w -f - "$OUT/disk.ext2" <<<"$cmds" >>"$WORK/logs/disk.log" 2>&1 ||
    die "debugfs could not set the disk's time stamps (see $WORK/logs/disk.log)"
}

# The versions as JSON members, one a line, indented by $1.
versions_json() {
  awk -v ind="$1" 'NF { printf "%s%s\"%s\": \"%s\"", sep, ind, $1, $2; sep = ",\n" } END { print "" }' <<<"$VERSIONS"
}

sha() { sha256sum <"$1" | cut -d' ' -f1; }

write_manifest() {
  local f first=1 files=""
  for f in Image rootfs.cpio.gz disk.ext2 fw_dynamic.bin linux.config busybox.config; do
    [[ -f $OUT/$f ]] || continue
    ((first)) || files+=","
    first=0
    files+=$(printf '\n    "%s": { "bytes": %d, "sha256": "%s" }' "$f" "$(stat -c %s "$OUT/$f")" "$(sha "$OUT/$f")")
  done
  local inputs="" kind name hash firstin=1
  while read -r kind name hash; do
    [[ $kind == file ]] || continue
    ((firstin)) || inputs+=","
    firstin=0
    inputs+=$(printf '\n    "%s": "%s"' "$name" "$hash")
  done <<<"$KEY_INPUTS"
  cat >"$OUT/manifest.json" <<EOF
{
  "key": "$KEY",
  "kernelKey": "$KERNEL_KEY",
  "sourceDateEpoch": $SOURCE_DATE_EPOCH,
  "versions": {
$(versions_json '    ')
  },
  "crossGcc": "$GCC_VERSION",
  "kernelObjects": $KERNEL_OBJECTS,
  "busyboxObjects": $BUSYBOX_OBJECTS,
  "inputs": {$inputs
  },
  "files": {$files
  },
  "linuxCache": "$KDIR",
  "buildSeconds": { "linux": $T_LINUX, "busybox": $T_BUSYBOX, "total": $(($(date +%s) - T0)) }
}
EOF
}

# $OUT/ship/: what images/ in the checkout holds. Each image gzip-compressed with -9 -n (no name,
# no time stamp: the same bytes every time; the initramfs is one already), and a manifest.json
# with nothing in it that depends on when or where it was built: the package versions, the
# source date, the object counts (for progress percentages) and every file's size and SHA-256,
# as shipped and uncompressed. One line per file.
write_ship() {
  local ship="$OUT/ship" part file packed raw entries="" sep=""
  mkdir -p "$ship"
  gzip -9 -n -c "$OUT/fw_dynamic.bin" >"$ship/fw_dynamic.bin.gz"
  gzip -9 -n -c "$OUT/Image" >"$ship/Image.gz"
  cp "$OUT/rootfs.cpio.gz" "$ship/rootfs.cpio.gz"
  gzip -9 -n -c "$OUT/disk.ext2" >"$ship/disk.ext2.gz"
  for part in firmware:fw_dynamic.bin kernel:Image initrd:rootfs.cpio disk:disk.ext2; do
    raw=${part#*:} part=${part%%:*}
    file="$raw.gz"
    packed="$ship/$file"
    entries+=$sep$(printf '    "%s": { "file": "%s", "bytes": %d, "sha256": "%s", "uncompressed": { "file": "%s", "bytes": %d, "sha256": "%s" } }' \
      "$part" "$file" "$(stat -c %s "$packed")" "$(sha "$packed")" \
      "$raw" "$(zcat "$packed" | wc -c)" "$(zcat "$packed" | sha256sum | cut -d' ' -f1)")
    sep=$',\n'
  done
  cat >"$ship/manifest.json" <<EOF
{
  "about": "hartvm's default guest images, made by scripts/build-images.sh --ship from these Debian package versions (src: a source package); scripts/build-images.sh --check builds them again and compares",
  "versions": {
$(versions_json '    ')
  },
  "sourceDateEpoch": $SOURCE_DATE_EPOCH,
  "kernelObjects": $KERNEL_OBJECTS,
  "busyboxObjects": $BUSYBOX_OBJECTS,
  "bootargs": "console=ttyS0",
  "files": {
$entries
  }
}
EOF
}

# The packages whose installed version is not the one images/manifest.json records, as
# "name installed (images/: recorded)" items; nothing when they all agree.
version_differences() {
  local recorded
  recorded=$(awk '/^  "versions": \{/ { on = 1; next } on && /^  \}/ { exit }
    on { gsub(/[",]/, ""); sub(/:$/, "", $1); print $1, $2 }' "$SHIPPED/manifest.json")
  awk 'NR == FNR { if (NF) rec[$1] = $2; next } NF { ins[$1] = $2; order[++m] = $1 }
    END {
      for (i = 1; i <= m; i++) { n = order[i]; if (!(n in rec) || rec[n] != ins[n]) items[++k] = n " " ins[n] " (images/: " ((n in rec) ? rec[n] : "none") ")" }
      for (n in rec) if (!(n in ins)) items[++k] = n " none (images/: " rec[n] ")"
      for (i = 1; i <= k; i++) printf "%s%s", (i > 1 ? ", " : ""), items[i]
    }' <(printf '%s\n' "$recorded") <(printf '%s\n' "$VERSIONS")
}

# The inputs that changed since images/manifest.json was last committed (git checkouts only).
inputs_changed_since_ship() {
  local commit
  git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1 || return 0
  git -C "$ROOT" diff --quiet HEAD -- images/manifest.json 2>/dev/null || return 0 # shipped, not committed yet
  commit=$(git -C "$ROOT" log -1 --format=%H -- images/manifest.json 2>/dev/null) || return 0
  [[ -n $commit ]] || return 0
  git -C "$ROOT" diff --name-only "$commit" -- guest/linux guest/rootfs guest/smp scripts/build-images.sh 2>/dev/null |
    paste -sd, - | sed 's/,/, /g'
}

# --ship: images/ becomes $DIR/ship/.
ship() {
  local f tmp="$SHIPPED.tmp" sizes=""
  rm -rf "$tmp"
  mkdir -p "$tmp"
  cp "${SHIP_FILES[@]/#/$DIR/ship/}" "$tmp/"
  rm -rf "$SHIPPED"
  mv -T "$tmp" "$SHIPPED"
  for f in "${SHIP_FILES[@]}"; do sizes+="${sizes:+, }$f $(size "$SHIPPED/$f")"; done
  say "wrote images/: $sizes"
  say "from $(awk 'NF { printf "%s%s %s", sep, $1, $2; sep = ", " }' <<<"$VERSIONS")"
}

# --check: images/ against $DIR/ship/, byte for byte.
check() {
  local f differ=() changed
  for f in "${SHIP_FILES[@]}"; do
    cmp -s "$DIR/ship/$f" "$SHIPPED/$f" || differ+=("$f")
  done
  if ((${#differ[@]} == 0)); then
    say "images/ is what this script builds, byte for byte ($(awk 'NF { printf "%s%s %s", sep, $1, $2; sep = ", " }' <<<"$VERSIONS"))"
    return 0
  fi
  changed=$(inputs_changed_since_ship)
  if [[ -n $changed ]]; then
    echo "images: images/ differs from what this script builds: ${differ[*]}; inputs changed since images/ was committed ($changed): refresh it with scripts/build-images.sh --ship" >&2
  else
    echo "images: images/ differs from what this script builds from the same package versions: ${differ[*]} (built: $DIR/ship): the build is not reproducible, a bug" >&2
  fi
  return 1
}

# --- main ---

if [[ $MODE == print-dir ]]; then
  compute_key
  echo "$DIR"
  exit 0
fi

install_packages
have_deb_src || add_deb_src
[[ -n $(busybox_source_version) ]] || { APT_UPDATED=0; apt_update; }
compute_key
mkdir -p "$IMAGES"

# --check: other package versions than images/ records cannot give the same bytes; no build.
if [[ $MODE == check ]]; then
  [[ -f $SHIPPED/manifest.json ]] || die "no images/manifest.json to check against (make images/ with scripts/build-images.sh --ship)"
  DIFFERENT=$(version_differences)
  if [[ -n $DIFFERENT ]]; then
    echo "images: the installed packages are not those images/ was built from: $DIFFERENT; refresh images/ with scripts/build-images.sh --ship (and commit it)" >&2
    exit 1
  fi
fi

# Built or found: --ship writes images/, --check compares, a plain run names the directory.
finish() {
  link_current
  case $MODE in
    ship) ship ;;
    check) check || exit 1 ;;
    *) say "$DIR" ;;
  esac
  exit 0
}

if complete "$DIR"; then
  [[ $MODE == build ]] && say "up to date (key $KEY)"
  finish
fi

exec 9>"$IMAGES/.lock"
if ! flock -n 9; then
  say "another build holds $IMAGES/.lock; waiting"
  flock 9
fi
if complete "$DIR"; then # built by whoever held the lock
  finish
fi

T0=$(date +%s)
WORK="$CACHE/work/$KEY"
OUT="$IMAGES/$KEY.tmp"
rm -rf "$WORK" "$OUT"
mkdir -p "$WORK/logs" "$OUT"
on_exit() {
  local rc=$?
  if ((rc != 0)) && [[ -n $OUT ]]; then
    rm -rf "$OUT"
    echo "images: build failed; the build tree and logs are kept in $WORK" >&2
    local l
    for l in "$WORK"/logs/*.log; do
      [[ -f $l ]] || continue
      echo "images: --- last lines of $l ---" >&2
      tail -n 25 "$l" >&2
    done
  fi
}
trap on_exit EXIT
say "key $KEY (kernel $KERNEL_KEY): linux-source $LINUX_VERSION, busybox $BUSYBOX_VERSION, $GCC_VERSION"
say "building in $WORK (logs in $WORK/logs), make -j$JOBS"
# How many objects the build of images/ compiled: the progress lines give a percentage.
LINUX_OBJECTS=$(shipped_number kernelObjects)
BUSYBOX_EXPECTED=$(shipped_number busyboxObjects)

# Linux: the kernel has a cache of its own, ${cache}/linux/<kernel key>/, so that an Image is
# built once for its inputs (kernel source, compiler, binutils, fragment, build_kernel), whatever
# else changed or failed since. It keeps the number of object files its build compiled too.
T_LINUX=0 # stays 0 when the Image comes from the kernel cache
KDIR="$CACHE/linux/$KERNEL_KEY"
if [[ -s $KDIR/Image && -s $KDIR/linux.config && -s $KDIR/objects ]]; then
  say "Linux: reusing the Image built before for the same kernel inputs ($KDIR)"
else
  t=$(date +%s)
  say "building Linux 6.1 (this takes a while) ..."
  build_kernel
  T_LINUX=$(($(date +%s) - t))
  rm -rf "$KDIR.tmp"
  mkdir -p "$KDIR.tmp"
  cp "$OUT/Image" "$OUT/linux.config" "$KDIR.tmp/"
  find "$WORK/linux" -name '*.o' | wc -l >"$KDIR.tmp/objects"
  rm -rf "$KDIR"
  mv -T "$KDIR.tmp" "$KDIR"
  say "Linux built in $(elapsed "$t"): Image $(size "$OUT/Image"), $(cat "$KDIR/objects") objects"
fi
cp "$KDIR/Image" "$KDIR/linux.config" "$OUT/"
KERNEL_OBJECTS=$(cat "$KDIR/objects")

t=$(date +%s)
say "building busybox $BUSYBOX_VERSION (static, riscv64) ..."
build_busybox
T_BUSYBOX=$(($(date +%s) - t))
BUSYBOX_OBJECTS=$(find "$WORK/busybox-src" -name '*.o' | wc -l)
say "busybox built in $(elapsed "$t"), $BUSYBOX_OBJECTS objects"
build_smp_stress
say "smp-stress built: $(size "$WORK/rootfs/usr/bin/smp-stress")"

t=$(date +%s)
say "making rootfs.cpio.gz and disk.ext2 ..."
build_rootfs
build_disk
cp "$FIRMWARE" "$OUT/fw_dynamic.bin"
say "made in $(elapsed "$t"): rootfs.cpio.gz $(size "$OUT/rootfs.cpio.gz"), disk.ext2 $(size "$OUT/disk.ext2")"

say "compressing for images/ (gzip -9 -n) ..."
write_ship
write_manifest
rm -rf "$DIR"
mv -T "$OUT" "$DIR"
OUT=""
if [[ ${HARTVM_KEEP_WORK:-0} == 1 ]]; then say "build tree kept in $WORK"; else rm -rf "$WORK"; fi
say "done in $(elapsed "$T0")"
finish
