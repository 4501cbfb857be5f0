/**
 * A jest environment whose tests can switch the process time zone (`setProcessTimeZone`), as
 * an n8n server in another zone runs: process.env.TZ set inside a test only changes jest's copy
 * of the environment, while this runs in the worker process itself. The zone is restored after
 * the file. Use with the docblock `@jest-environment ./test/timeZoneEnvironment.js`.
 */
const { TestEnvironment } = require('jest-environment-node');

class TimeZoneEnvironment extends TestEnvironment {
	constructor(config, context) {
		super(config, context);
		this.originalTimeZone = process.env.TZ;
		this.global.setProcessTimeZone = (zone) => {
			process.env.TZ = zone;
		};
	}

	async teardown() {
		if (this.originalTimeZone === undefined) delete process.env.TZ;
		else process.env.TZ = this.originalTimeZone;
		await super.teardown();
	}
}

module.exports = TimeZoneEnvironment;
