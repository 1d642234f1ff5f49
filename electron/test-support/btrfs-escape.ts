/**
 * Test and bench support for the disk-limit escape: a tiny static C program that tries to
 * make btrfs subvolumes and snapshots from inside an agent, each of the four ioctls plain,
 * with the upper 32 bits of the request set, and through the i386 compat syscall
 * (`int 0x80`), printing the errno of each try (0 = it worked). Compiled on the host with gcc.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const SOURCE = String.raw`
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/btrfs.h>

/* static: the i386 route needs its argument below 4 GiB (a non-PIE binary's .bss is) */
static struct btrfs_ioctl_vol_args v1;
static struct btrfs_ioctl_vol_args_v2 v2;

static long i386_ioctl(int fd, unsigned int req, void *arg) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(54), "b"(fd), "c"(req), "d"((unsigned int)(unsigned long)arg) : "memory");
  return ret;
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  int dir = open(argv[1], O_RDONLY | O_DIRECTORY);
  if (dir < 0) { perror("open"); return 2; }
  struct { const char *name; unsigned long req; int v2; int snap; } ops[] = {
    {"SUBVOL_CREATE", BTRFS_IOC_SUBVOL_CREATE, 0, 0},
    {"SUBVOL_CREATE_V2", BTRFS_IOC_SUBVOL_CREATE_V2, 1, 0},
    {"SNAP_CREATE", BTRFS_IOC_SNAP_CREATE, 0, 1},
    {"SNAP_CREATE_V2", BTRFS_IOC_SNAP_CREATE_V2, 1, 1},
  };
  const char *routes[] = {"plain", "upper-bits", "i386"};
  int n = 0;
  for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    for (int r = 0; r < 3; r++) {
      char name[64], src[4200];
      snprintf(name, sizeof name, "escape-%d", n++);
      /* a snapshot's source: the subvolume the first try made, else the directory itself */
      snprintf(src, sizeof src, "%s/escape-0", argv[1]);
      int srcfd = ops[i].snap ? open(src, O_RDONLY | O_DIRECTORY) : -1;
      if (ops[i].snap && srcfd < 0) srcfd = dir;
      void *arg;
      if (ops[i].v2) {
        memset(&v2, 0, sizeof v2);
        v2.fd = ops[i].snap ? srcfd : 0;
        strcpy(v2.name, name);
        arg = &v2;
      } else {
        memset(&v1, 0, sizeof v1);
        v1.fd = ops[i].snap ? srcfd : 0;
        strcpy(v1.name, name);
        arg = &v1;
      }
      long ret;
      int err;
      if (r == 2) {
        ret = i386_ioctl(dir, (unsigned int)ops[i].req, arg);
        err = ret < 0 ? (int)-ret : 0;
      } else {
        unsigned long req = ops[i].req | (r == 1 ? 0xffffffff00000000UL : 0);
        ret = syscall(SYS_ioctl, dir, req, arg);
        err = ret < 0 ? errno : 0;
      }
      printf("%s %s %d\n", ops[i].name, routes[r], err);
      if (srcfd >= 0 && srcfd != dir) close(srcfd);
    }
  }
  return 0;
}
`;

export interface EscapeTry {
  ioctl: string;
  route: 'plain' | 'upper-bits' | 'i386';
  /** 0 = the subvolume or snapshot was made. */
  errno: number;
}

export const EPERM = 1;

/** Compiles the program into a temporary folder; `cleanup` removes it. */
export async function buildEscapeProgram(): Promise<{ binary: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'enclave-escape-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    await writeFile(join(dir, 'escape.c'), SOURCE);
    await run('gcc', ['-static', '-no-pie', '-O1', '-o', join(dir, 'escape'), join(dir, 'escape.c')], { timeout: 60_000 });
    return { binary: join(dir, 'escape'), cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** The program's output, one try per line. */
export function parseEscapeOutput(text: string): EscapeTry[] {
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [ioctl, route, errno] = line.trim().split(' ');
      if (!ioctl || (route !== 'plain' && route !== 'upper-bits' && route !== 'i386') || !/^\d+$/.test(errno ?? '')) {
        throw new Error(`unexpected line from the escape program: ${line}`);
      }
      return { ioctl, route, errno: Number(errno) };
    });
}

/** The subvolumes btrfs holds below an instance's own (its escapes), as paths relative to the pool. */
export async function nestedSubvolumes(poolMount: string, project: string, instance: string): Promise<string[]> {
  const { stdout } = await run('btrfs', ['subvolume', 'list', poolMount], { timeout: 30_000 });
  const own = `containers/${project === 'default' ? instance : `${project}_${instance}`}/`;
  return stdout
    .split('\n')
    .map((l) => / path (.+)$/.exec(l)?.[1])
    .filter((p): p is string => !!p && p.startsWith(own));
}

/** Bytes the storage pool uses, as Incus reports them. */
export async function poolUsedBytes(incusQuery: (path: string) => Promise<string>, pool: string): Promise<number> {
  const res = JSON.parse(await incusQuery(`/1.0/storage-pools/${encodeURIComponent(pool)}/resources`)) as { space?: { used?: number } };
  const used = res.space?.used;
  if (typeof used !== 'number') throw new Error(`Incus reported no used space for pool ${pool}`);
  return used;
}
