// A bench's command-line options, `--name value`.

/** The value after `--name`, or undefined when the option is not given. */
export function argText(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** `--name N` as a number, or `fallback` when the option (or its value) is not given. */
export function arg(name: string, fallback: number): number {
  const text = argText(name);
  return text === undefined ? fallback : Number(text);
}

/** `--name on|off`: true unless given as off. */
export function onUnlessOff(name: string): boolean {
  return argText(name) !== "off";
}
