import { describe, expect, it } from 'vitest';
import { parseChannelConfig } from './channels.ts';
import { maskChannelConfig, maskSecret, maskUrl, redactSecrets } from './mask.ts';

describe('secret masking', () => {
  it('masks webhook tokens in URLs but keeps them recognisable', () => {
    expect(maskUrl('https://open.feishu.cn/open-apis/bot/v2/hook/0f7d2c2e-1111-2222-3333-444455556666')).toBe(
      'https://open.feishu.cn/open-apis/bot/v2/hook/****6666',
    );
    expect(
      maskUrl('https://oapi.dingtalk.com/robot/send?access_token=a1b2c3d4e5f60718293a4b5c6d7e8f90'),
    ).toBe('https://oapi.dingtalk.com/robot/send?access_token=****8f90');
    expect(maskUrl('https://hooks.slack.com/services/T0001/B0002/XXXXXXXXXXXX1234')).toBe(
      'https://hooks.slack.com/services/T0001/B0002/****1234',
    );
    expect(maskUrl('https://user:pass@example.com/x')).toBe('https://****:****@example.com/x');
    expect(maskSecret('short')).toBe('****');
  });

  it('masks every channel type', () => {
    const feishu = maskChannelConfig(
      parseChannelConfig({
        type: 'feishu',
        webhookUrl: 'https://open.feishu.cn/open-apis/bot/v2/hook/abcdef12-3456',
        secret: 'topsecretvalue-9876',
      }),
    );
    expect(feishu).toMatchObject({ type: 'feishu', secret: '****9876', format: 'card' });
    expect(JSON.stringify(feishu)).not.toContain('abcdef12-3456');

    const email = maskChannelConfig(
      parseChannelConfig({
        type: 'email',
        host: 'smtp.example.com',
        from: 'a@b.c',
        to: ['x@y.z'],
        user: 'bot',
        password: 'hunter2hunter2',
      }),
    );
    expect(email).toMatchObject({ host: 'smtp.example.com', user: 'bot', password: '****', port: 587 });

    const hook = maskChannelConfig(
      parseChannelConfig({
        type: 'webhook',
        url: 'https://x.example/h?key=abcdefgh',
        secret: 's3cret',
        headers: { Authorization: 'Bearer abcdefghijklmnopqrstuvwxyz' },
      }),
    );
    expect(hook).toMatchObject({
      url: 'https://x.example/h?key=****',
      secret: '****',
      headers: { Authorization: '****wxyz' },
    });
  });

  it('scrubs secrets out of free text', () => {
    const config = {
      type: 'dingtalk',
      webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=a1b2c3d4e5f60718293a4b5c6d7e8f90',
      secret: 'SECabcdefgh12345678',
    };
    const text = `POST https://oapi.dingtalk.com/robot/send?access_token=a1b2c3d4e5f60718293a4b5c6d7e8f90 failed; token a1b2c3d4e5f60718293a4b5c6d7e8f90, key SECabcdefgh12345678`;
    const out = redactSecrets(text, config);
    expect(out).not.toContain('a1b2c3d4e5f60718293a4b5c6d7e8f90');
    expect(out).not.toContain('SECabcdefgh12345678');
    expect(out).toContain('https://oapi.dingtalk.com/robot/send?access_token=****8f90');
  });

  it('rejects invalid configs with every problem listed', () => {
    let message = '';
    try {
      parseChannelConfig({ type: 'email', host: '', to: [] });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/host:/);
    expect(message).toMatch(/from:/);
    expect(message).toMatch(/to:/);
    try {
      parseChannelConfig({ type: 'pigeon' });
    } catch (err) {
      expect((err as { code: string }).code).toBe('VALIDATION');
      return;
    }
    throw new Error('expected a validation error');
  });
});
