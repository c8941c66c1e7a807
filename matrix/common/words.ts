/** Words that agree with a count, for every sentence the tools print. */

/** `1 person`, `2 people`. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The word that agrees with a count: `gains` for one, `gain` for several. */
export const verb = (n: number, one: string, many: string): string => (n === 1 ? one : many);
