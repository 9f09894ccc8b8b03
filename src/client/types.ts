// Wire types of the Engine API that the client returns (the subset berth uses so far).

export interface VersionResponse {
  Platform?: { Name: string };
  Components?: { Name: string; Version: string; Details?: Record<string, string> }[];
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  GitCommit: string;
  GoVersion: string;
  Os: string;
  Arch: string;
  KernelVersion?: string;
  Experimental?: boolean;
  BuildTime?: string;
}

export type InfoResponse = Record<string, unknown> & {
  ID: string;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  Driver: string;
  ServerVersion: string;
  Warnings: string[] | null;
};

export interface EventMessage {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: string;
  time: number;
  timeNano: number;
  status?: string;
  id?: string;
  from?: string;
}

export type { AuthConfig } from '../api/types/auth-config.ts';

export interface AuthResponse {
  Status: string;
  IdentityToken?: string;
}

// Images (GET /images/json, /images/{name}/json and /history, DELETE /images/{name}, prune).

export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: number;
  Size: number;
  SharedSize: number;
  VirtualSize?: number;
  Labels: Record<string, string> | null;
  Containers: number;
  Manifests?: unknown[];
  Descriptor?: unknown;
}

/** GET /images/{name}/json: kept open, the CLI prints it as the daemon sent it. */
export type ImageInspect = Record<string, unknown> & {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created?: string;
  Size?: number;
};

export interface ImageHistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

export interface ImageDeleteItem {
  Untagged?: string;
  Deleted?: string;
}

export interface ImagePruneReport {
  ImagesDeleted: ImageDeleteItem[] | null;
  SpaceReclaimed: number;
}

/** One message of a progress stream (pull, push, import, load): docker's jsonmessage. */
export interface JsonMessage {
  status?: string;
  id?: string;
  progressDetail?: ProgressDetail;
  stream?: string;
  aux?: unknown;
  errorDetail?: { code?: number; message?: string };
  /** Deprecated copy of errorDetail.message, still sent by dockerd. */
  error?: string;
  from?: string;
  time?: number;
  timeNano?: number;
}

export interface ProgressDetail {
  current?: number;
  total?: number;
  /** Unix seconds at which the transfer began (for the time-left estimate). */
  start?: number;
  hidecounts?: boolean;
  units?: string;
}
