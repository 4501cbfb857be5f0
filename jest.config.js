/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// Transpile only (tsconfig.json has isolatedModules, so ts-jest uses transpileModule, no type
	// check): `npm run lint` is where types are checked, tests included.
	transform: {
		'^.+\\.ts$': ['ts-jest', { diagnostics: false }],
	},
	// Every core runs test files (jest's default leaves one free: half the machine on 2 cores).
	// Most of the suite's CPU time is each file loading n8n's engine, which workers do in parallel.
	maxWorkers: '100%',
	testTimeout: 30000,
	// nock patches node:http for the whole worker: each file that loaded it removes it when done
	setupFilesAfterEnv: ['<rootDir>/test/restoreNock.ts'],
};
