export * from './schema';
export * from './errors';
export * from './derive';
export * from './rules';
export * from './load';
export * from './instance-types';
