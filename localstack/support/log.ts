/** How the CLI's commands and jobs report progress: one line at a time, to the terminal by default. */
export type Log = (message: string) => void;
