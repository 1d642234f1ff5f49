/** One line of /proc/<pid>/mountinfo, the fields Enclave reads. */
export interface MountEntry {
  mountPoint: string;
  fsType: string;
  source: string;
  superOptions: string;
}

/** The mounts in a mountinfo text, in order. */
export function mountEntries(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    if (dash < 0 || fields[4] === undefined) continue;
    out.push({ mountPoint: fields[4], fsType: fields[dash + 1] ?? '', source: fields[dash + 2] ?? '', superOptions: fields[dash + 3] ?? '' });
  }
  return out;
}
