/** ChatGPT's Admin API: a reported 100 requests a minute per workspace, counted per method and route. */
export const CHATGPT_REQUESTS_PER_MINUTE = 100;
