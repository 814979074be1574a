/** Bodies larger than this are answered 413; Signet's largest request is well under it. */
export const BODY_LIMIT = 64 * 1024;
