// Host folders shared with the guest over virtio-9p, as QEMU spells them:
// `-virtfs local,path=DIR,mount_tag=TAG,security_model=none|mapped-xattr[,readonly=on]`, or
// `-fsdev local,id=ID,path=DIR,security_model=...` with `-device virtio-9p-device,fsdev=ID,mount_tag=TAG`.
// The guest mounts one with `mount -t 9p -o trans=virtio,version=9p2000.L TAG /mnt`.

import { printable } from './printable.js';
import { qemuListParts, qemuSwitch } from './qemu-list.js';
import { OptionError } from './errors.js';

export type SecurityModelName = 'none' | 'mapped-xattr';
export const SECURITY_MODELS: readonly SecurityModelName[] = ['none', 'mapped-xattr'];

/** The library's spelling of a shared folder. */
export interface ShareOption {
  /** the host folder */
  path: string;
  /** the name the guest mounts it by */
  tag: string;
  /** refuse every change (EROFS); default false */
  readOnly?: boolean;
  /**
   * none (default): files get the guest's modes and, where the host lets hartvm, owners;
   * mapped-xattr: the guest's owners and modes are kept in user.virtfs.* extended attributes
   * and host files stay private to the host user
   */
  securityModel?: SecurityModelName;
}

/** A mount tag: 1 to 255 bytes (QEMU's bound; the device's configuration has room for it). */
export const MAX_TAG_BYTES = 255;

/** What a -virtfs or -fsdev spec says, checked; throws OptionError naming `typed` (the option as typed) and the spec. */
export function virtfsOption(spec: string, typed = '-virtfs', needTag = true): ShareOption & { id?: string } {
  const fail = (why: string): never => { throw new OptionError(`${typed} ${printable(spec)}: ${why}`); };
  const parts = qemuListParts(spec).filter((p) => p !== '');
  if (parts[0] !== 'local') fail('the only file system driver is local (local,path=DIR,...)');
  const share: ShareOption & { id?: string } = { path: '', tag: '' };
  let model: string | undefined;
  for (const part of parts.slice(1)) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq), value = eq < 0 ? 'on' : part.slice(eq + 1);
    if (key === 'path') share.path = value;
    else if (key === 'mount_tag') share.tag = value;
    else if (key === 'security_model') model = value;
    else if (key === 'id') share.id = value;
    else if (key === 'readonly') {
      const on = qemuSwitch(value);
      if (on === undefined) fail(`readonly=${printable(value)}: expected on or off`);
      share.readOnly = on;
    } else if (key === 'writeout' && value === 'immediate') continue;
    else fail(`${printable(key)} is not supported (local takes path=, mount_tag=, security_model=, readonly=)`);
  }
  if (share.path === '') fail('no path= given (the host folder to share)');
  if (needTag && share.tag === '') fail('no mount_tag= given (the name the guest mounts it by)');
  if (model === undefined) fail(`no security_model= given (${SECURITY_MODELS.join(' or ')})`);
  if (model === 'mapped') model = 'mapped-xattr'; // QEMU's older name for it
  if (!SECURITY_MODELS.includes(model as SecurityModelName)) {
    fail(`security_model=${printable(model!)} is not supported (${SECURITY_MODELS.join(' or ')}; passthrough and mapped-file are not)`);
  }
  share.securityModel = model as SecurityModelName;
  if (share.tag !== '') checkTag(share.tag, `${typed} ${printable(spec)}`);
  return share;
}

function checkTag(tag: string, where: string): void {
  const bytes = new TextEncoder().encode(tag).length;
  if (bytes === 0 || bytes > MAX_TAG_BYTES) throw new OptionError(`${where}: a mount_tag has 1 to ${MAX_TAG_BYTES} bytes`);
}

/** The library's shares, each checked, tags unique; throws OptionError naming the share. */
export function sharesOption(shares: readonly ShareOption[]): Required<ShareOption>[] {
  const tags = new Set<string>();
  return shares.map((share) => {
    if (typeof share?.path !== 'string' || share.path === '') throw new OptionError('a shared folder needs a path');
    if (typeof share.tag !== 'string') throw new OptionError(`shared folder ${printable(share.path)}: no mount tag`);
    const where = `shared folder ${printable(share.path)} (mount_tag ${printable(share.tag)})`;
    checkTag(share.tag, where);
    if (tags.has(share.tag)) throw new OptionError(`${where}: two shared folders have the mount_tag ${printable(share.tag)}`);
    tags.add(share.tag);
    const securityModel = share.securityModel ?? 'none';
    if (!SECURITY_MODELS.includes(securityModel)) throw new OptionError(`${where}: security_model ${printable(String(securityModel))} is not supported (${SECURITY_MODELS.join(' or ')})`);
    return { path: share.path, tag: share.tag, readOnly: share.readOnly ?? false, securityModel };
  });
}
