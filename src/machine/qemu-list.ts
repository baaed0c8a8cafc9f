// QEMU's option lists (`file=a.img,format=raw`): parts split at commas, a doubled comma standing
// for a comma inside a value, and the values of its switches. Host-neutral: the CLI's -drive and
// QEMU options and the page's drive= read them alike.

/** The comma-separated parts of `text`, each `,,` in it a `,` of a part. */
export function qemuListParts(text: string): string[] {
  return text.replace(/,,/g, '\u0000').split(',').map((p) => p.replace(/\u0000/g, ','));
}

const SWITCH_VALUES = new Map([['on', true], ['off', false], ['true', true], ['false', false], ['yes', true], ['no', false]]);

/** The value of a QEMU switch (on or off, true or false, yes or no), or undefined if it is none of those. */
export function qemuSwitch(value: string): boolean | undefined {
  return SWITCH_VALUES.get(value);
}
