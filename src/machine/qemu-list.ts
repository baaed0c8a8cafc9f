// QEMU's option lists (`file=a.img,format=raw`): parts split at commas, a doubled comma standing
// for a comma inside a value. Host-neutral: the CLI's -drive and QEMU options and the page's
// drive= read them alike.

/** The comma-separated parts of `text`, each `,,` in it a `,` of a part. */
export function qemuListParts(text: string): string[] {
  return text.replace(/,,/g, '\u0000').split(',').map((p) => p.replace(/\u0000/g, ','));
}
