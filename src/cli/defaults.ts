/** The database used when neither --db nor the config names one: a file in the working directory. */
export const DEFAULT_DB_PATH = 'authwatch.sqlite';
