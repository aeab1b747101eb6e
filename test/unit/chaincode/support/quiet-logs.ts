// fabric-contract-api logs every decorator at info level; keep test output to the test results.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
