process.env.SIGNET_TEST_DB = 'sqlite';
