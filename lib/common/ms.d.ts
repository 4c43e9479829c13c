// `ms` 3.x ships its typings only under the ESM `import` condition, which a CommonJS (node16)
// build cannot see; this is the one signature we use.
declare module 'ms' {
  /** Parses a human duration ('1.5h', '2 days', '500') to milliseconds; NaN when it cannot. Throws on ''. */
  export default function ms(value: string): number;
}
