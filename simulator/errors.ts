/** A problem with the simulator's input, naming the option, the bad value and the fix. */
export class SimulationInputError extends Error {
  constructor(
    /** The command-line option (or input) at fault, for example `--peak-mibps`. */
    readonly option: string,
    /** What is wrong and how to fix it. */
    readonly problem: string,
  ) {
    super(`${option}: ${problem}`);
    this.name = 'SimulationInputError';
  }
}
