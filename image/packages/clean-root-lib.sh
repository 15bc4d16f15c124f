# Sourced by the package tests (clean-root-test.sh, systemd-update-test.sh): a clean root for
# installing the packages, and other versions of the box package. Run inside a private mount
# namespace (unshare --mount): every mount below is that namespace's.

# make_clean_root ROOT WORK: the host's userland read-only under an overlay (/usr: Java, nft,
# iproute2, strongSwan, the shell; what the packages put there goes to the overlay's own layer in
# WORK), private /tmp and /run, a copy of the host's /etc without anything of ours, and an empty
# dpkg database.
make_clean_root() {
  local R=$1 WORK=$2
  mkdir -p "$R"/{usr,proc,dev,sys,tmp,run,opt,root,srv,mnt,var/lib/dpkg/{info,updates,triggers},var/log,var/cache,var/tmp}
  for d in bin sbin lib lib32 lib64 libx32; do
    if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$R/$d"; elif [ -d "/$d" ]; then mkdir -p "$R/$d" && mount --bind -o ro "/$d" "$R/$d"; fi
  done
  # /usr: the host's, read-only, under an overlay whose upper layer takes what the packages install
  # there (/lib/systemd/system is /usr/lib/systemd/system on a merged-/usr Debian)
  mkdir -p "$WORK/usr-upper" "$WORK/usr-work"
  mount -t overlay overlay -o "lowerdir=/usr,upperdir=$WORK/usr-upper,workdir=$WORK/usr-work" "$R/usr"
  mount --rbind /dev "$R/dev"
  mount -t proc proc "$R/proc"
  mount -t tmpfs tmpfs "$R/tmp"
  mount -t tmpfs tmpfs "$R/run"
  cp -a /etc "$R/etc"
  rm -rf "$R/etc/egov-box" "$R/etc/egov-manager" "$R/etc/systemd/system/"*egov*
  touch "$R/var/lib/dpkg/status" "$R/var/lib/dpkg/available"
}

# repack NAME VERSION [broken]: another version of the box package ($BOX_DEB) in $WORK/NAME/NAME.deb: its
# control file and the VERSION its launcher reports (dpkg-deb -R/-b keep the files' times: the
# class-data-sharing archive stays valid)
repack() { # repack NAME VERSION [broken]
  rm -rf "$WORK/$1"; mkdir "$WORK/$1"
  dpkg-deb -R "$BOX_DEB" "$WORK/$1/pkg"
  sed -i "s/^Version: .*/Version: $2/" "$WORK/$1/pkg/DEBIAN/control"
  echo "$2" > "$WORK/$1/pkg/opt/egov-box/VERSION"
  # a broken box: its runtime exits at once (the box does not come back); the other commands work
  if [ "${3:-}" = broken ]; then sed -i '2i [ "${1:-}" = run ] \&\& { echo "broken build" >\&2; exit 3; }' "$WORK/$1/pkg/opt/egov-box/bin/appliance"; fi
  # gzip: xz takes minutes for the box's 40 MB on a busy 2-core machine
  dpkg-deb --root-owner-group -Zgzip -b "$WORK/$1/pkg" "$WORK/$1/$1.deb" > /dev/null
}
