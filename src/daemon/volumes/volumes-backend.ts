// The volumes router's backend, over the VolumeService.
import type { VolumesBackend } from '../../api/routers/volumes.ts';
import type { VolumeService } from './volume-service.ts';

export function volumesBackend(svc: VolumeService): VolumesBackend {
  return {
    list: (filters) => svc.list(filters),
    create: (body) => svc.view(svc.create(body)),
    inspect: (name) => svc.view(svc.get(name)),
    remove: (name, force) => svc.remove(name, force),
    prune: (filters, version) => svc.prune(filters, version),
  };
}
