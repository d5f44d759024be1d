// After the whole run, a server or child process that a test left open fails the run by name,
// instead of keeping mocha alive until CI's time limit (mocha exits on its own after this: see
// "exit" in .mocharc.json). Client sockets are not counted: they close with their servers.
const LEFT_OPEN = new Set(['TCPServerWrap', 'ProcessWrap', 'PipeServerWrap']);

export const mochaHooks = {
  afterAll(): void {
    const leftOpen = process.getActiveResourcesInfo().filter((resource) => LEFT_OPEN.has(resource));
    if (leftOpen.length) {
      throw new Error(
        `the tests left open: ${leftOpen.join(', ')} — a suite's after hook must close what its before hook started`,
      );
    }
  },
};
