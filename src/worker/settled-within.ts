/** True when every promise settled within `ms`, false when the time ran out first. */
export function settledWithin(promises: Promise<unknown>[], ms: number): Promise<boolean> {
  if (promises.length === 0) return Promise.resolve(true);
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.allSettled(promises).then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
