// What the test suite needs from the machine, each with how it is checked and how it is got.
// One list serves the preflight of scripts/test (all of it, before anything runs) and requires()
// in the test files (what each needs), so a broken install reads the same in both places.
// Programs the daemon or a test runs by name are looked up on PATH only (no fallback
// directories): hiding one from PATH is how the check of this very behaviour simulates a
// machine without it.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BUSYBOX_BIN } from './busybox.ts';
import { REGISTRY_BIN } from './registry.ts';
import { SSHD } from './sshd.ts';

export type Need = keyof typeof PREREQUISITES;

interface Prerequisite {
  /** What it is, as the message names it. */
  what: string;
  present(): boolean;
  /** How a machine gets it. */
  get: string;
}

const SETUP = 'scripts/setup installs it';

export function onPath(name: string, path = process.env.PATH ?? ''): boolean {
  return path.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir || '.', name), constants.X_OK);
      return true;
    } catch {
      return false; // not in this directory: the next one may have it
    }
  });
}

const PREREQUISITES = {
  root: { what: 'root (uid 0)', present: () => process.getuid?.() === 0, get: 'run the tests as root' },
  docker: { what: 'the docker CLI (`docker` on PATH)', present: () => onPath('docker'), get: "the docker CLI 28 comes with the machine image (Docker's docker-ce-cli or its static binary in /usr/local/bin); scripts/setup does not install it" },
  conmon: { what: 'conmon (`conmon` on PATH)', present: () => onPath('conmon'), get: `${SETUP} (Debian package conmon)` },
  runc: { what: 'runc (`runc` on PATH)', present: () => onPath('runc'), get: `${SETUP} (Debian package runc)` },
  tini: { what: 'tini-static (/usr/bin/tini-static, every container\'s init)', present: () => existsSync('/usr/bin/tini-static'), get: `${SETUP} (Debian package tini)` },
  busybox: { what: `a static busybox (${BUSYBOX_BIN}, the test image)`, present: () => existsSync(BUSYBOX_BIN), get: `${SETUP} (Debian package busybox-static)` },
  registry: { what: `the distribution registry (${REGISTRY_BIN})`, present: () => existsSync(REGISTRY_BIN), get: `${SETUP} (Debian package docker-registry)` },
  perl: { what: 'perl (`perl` on PATH: the attach bridge and the host helper)', present: () => onPath('perl'), get: 'Debian package perl-base (essential)' },
  tar: { what: 'tar (`tar` on PATH)', present: () => onPath('tar'), get: 'Debian package tar (essential)' },
  script: { what: 'script(1) (`script` on PATH, a terminal for CLI tests)', present: () => onPath('script'), get: 'Debian package bsdutils (essential)' },
  crun: { what: 'crun (`crun` on PATH, the second OCI runtime berthd offers)', present: () => onPath('crun'), get: `${SETUP} (Debian package crun)` },
  ip: { what: 'iproute2 (`ip` on PATH: namespaces, bridges, veth pairs)', present: () => onPath('ip'), get: `${SETUP} (Debian package iproute2)` },
  nft: { what: 'nft (`nft` on PATH: berth\'s nftables table)', present: () => onPath('nft'), get: `${SETUP} (Debian package nftables)` },
  unshare: { what: 'unshare(1) (`unshare` on PATH)', present: () => onPath('unshare'), get: 'Debian package util-linux (essential)' },
  openssl: { what: 'the openssl CLI (`openssl` on PATH, test certificates)', present: () => onPath('openssl'), get: `${SETUP} (Debian package openssl)` },
  sshd: { what: `sshd and ssh-keygen (${SSHD}, /usr/bin/ssh-keygen)`, present: () => existsSync(SSHD) && existsSync('/usr/bin/ssh-keygen'), get: `${SETUP} (Debian packages openssh-server, openssh-client)` },
  'docker-py': { what: "docker-py (`/usr/bin/python3 -c 'import docker'`)", present: () => spawnSync('/usr/bin/python3', ['-c', 'import docker'], { stdio: 'ignore' }).status === 0, get: `${SETUP} (Debian package python3-docker)` },
  'docker-compose': { what: 'docker-compose 1.29 (`docker-compose` on PATH)', present: () => onPath('docker-compose'), get: `${SETUP} (Debian package docker-compose)` },
  zsh: { what: 'zsh (`zsh` on PATH, with its zpty module: the zsh completion script is driven in it)', present: () => onPath('zsh'), get: `${SETUP} (Debian package zsh)` },
  fish: { what: 'fish (`fish` on PATH: the fish completion script is driven in it)', present: () => onPath('fish'), get: `${SETUP} (Debian package fish)` },
  rootlesskit: { what: 'rootlesskit (`rootlesskit` on PATH: the rootless namespace holder)', present: () => onPath('rootlesskit'), get: `${SETUP} (Debian package rootlesskit)` },
  uidmap: { what: 'newuidmap and newgidmap (setuid, on PATH: subordinate ids for rootless)', present: () => onPath('newuidmap') && onPath('newgidmap'), get: `${SETUP} (Debian package uidmap)` },
  'fuse-overlayfs': { what: 'fuse-overlayfs on PATH and /dev/fuse open to every user (mode 0666, as udev makes it): the rootless fuse-overlayfs storage driver', present: () => onPath('fuse-overlayfs') && fuseOpenToAll(), get: `${SETUP} (Debian package fuse-overlayfs; chmod 0666 /dev/fuse where no udev runs)` },
  slirp4netns: { what: 'slirp4netns (`slirp4netns` on PATH: the rootless network namespace)', present: () => onPath('slirp4netns'), get: `${SETUP} (Debian package slirp4netns)` },
  'socket-activate': { what: 'systemd-socket-activate (/usr/bin/systemd-socket-activate, socket activation as systemd does it)', present: () => existsSync('/usr/bin/systemd-socket-activate'), get: `${SETUP} (Debian package systemd)` },
} satisfies Record<string, Prerequisite>;

export const ALL_NEEDS = Object.keys(PREREQUISITES) as Need[];
/** What every test that runs a container needs (the fixture of busybox-daemon.ts declares it). */
export const RUNS_CONTAINERS: Need[] = ['root', 'runc', 'conmon', 'tini', 'busybox', 'perl'];

const seen = new Map<Need, boolean>();

/** The needs this machine lacks (each checked once per process). */
export function missing(needs: readonly Need[]): Need[] {
  return [...new Set(needs)].filter((n) => {
    if (!seen.has(n)) seen.set(n, PREREQUISITES[n].present());
    return !seen.get(n);
  });
}

/** One line per missing need: what it is and how to get it. */
export function describeMissing(needs: readonly Need[]): string {
  return needs.map((n) => `  - ${PREREQUISITES[n].what}: ${PREREQUISITES[n].get}`).join('\n');
}

/** A developer's local run may skip what it lacks; CI (`.ci/run`, `make test`) never sets this. */
export const ALLOW_SKIP_ENV = 'BERTH_TEST_ALLOW_SKIP';
export const skipsAllowed = (): boolean => process.env[ALLOW_SKIP_ENV] === '1';

function fuseOpenToAll(): boolean {
  try {
    return (statSync('/dev/fuse').mode & 0o006) === 0o006;
  } catch {
    return false;
  }
}
