/** Small v1.1-shaped tweets for the unit tests. */
export function tweetJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    created_at: "Wed Oct 10 20:19:24 +0000 2018",
    id_str: "1050118621198921728",
    text: "To make room for more expression #Pandemic #pandemic #COVID19",
    user: {
      id_str: "6253282",
      name: "Twitter API 😷",
      screen_name: "TwitterAPI",
      friends_count: 12,
      followers_count: 6133636,
      location: "San Francisco, CA",
    },
    entities: { hashtags: [{ text: "Pandemic" }, { text: "pandemic" }, { text: "COVID19" }] },
    ...overrides,
  };
}
