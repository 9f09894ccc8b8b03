// Reading berth's tables back: the elements `nft -j list table` shows, which removal needs as
// keys (the kernel is the record of what a network put there, not this process's memory).

type NftObject = Record<string, any>;

/** An element key as nft's grammar takes it: "10.0.0.0/24" for a prefix, an address as it is. */
function keyText(key: any): string {
  return typeof key === 'string' ? key : key?.prefix ? `${key.prefix.addr}/${key.prefix.len}` : JSON.stringify(key);
}

/** Elements of the named sets/maps (keys only) of `nft -j list table` objects. */
export function elementsOf(objs: readonly NftObject[], names: readonly string[]): string[] {
  return objs.flatMap((o) => {
    const set = o.set ?? o.map;
    if (!set || !names.includes(set.name)) return [];
    return ((set.elem ?? []) as any[]).map((e) => keyText(o.map ? e[0] : e));
  });
}

/** The post_src(6) keys that jump to post_<bridge>. */
export function postSubnetsOf(objs: readonly NftObject[], bridge: string): string[] {
  return objs
    .filter((o) => o.map?.name === 'post_src' || o.map?.name === 'post_src6')
    .flatMap((o) => ((o.map.elem ?? []) as [any, any][]).filter(([, v]) => v?.jump?.target === `post_${bridge}`).map(([k]) => keyText(k)));
}

/** Owners (own_<owner> chains) and bridges (the bridges set). */
export function readState(objs: readonly NftObject[]): { owners: string[]; bridges: string[] } {
  const owners = objs.flatMap((o) => (typeof o.chain?.name === 'string' && o.chain.name.startsWith('own_') ? [o.chain.name.slice(4) as string] : []));
  return { owners, bridges: elementsOf(objs, ['bridges']) };
}
