import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../../network/src/paths';

describe('README walkthrough', function () {
  it('is exactly docs/walkthrough.sh, the script the integration tests run', function () {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const match = /<!-- walkthrough:begin -->\s*```bash\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(readme);
    expect(match, 'README lacks the walkthrough block').to.not.equal(null);
    expect(match?.[1]).to.equal(fs.readFileSync(path.join(REPO_ROOT, 'docs', 'walkthrough.sh'), 'utf8'));
  });
});
