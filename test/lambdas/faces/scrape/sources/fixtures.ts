/**
 * Response bodies shaped like the real services' (trimmed, but every field kept where it was):
 * wbgetclaims for Q42, TMDB person search and person images, a Wikipedia article's head and infobox.
 */
export const wbgetclaimsQ42 = {
  claims: {
    P18: [
      {
        mainsnak: {
          snaktype: "value",
          property: "P18",
          hash: "4b7d1c0f3e2a9d9f0e0b5c5f5f2f8f2d3e7c1a11",
          datavalue: { value: "Douglas adams portrait cropped.jpg", type: "string" },
          datatype: "commonsMedia",
        },
        type: "statement",
        id: "Q42$43D37345-54ED-4FF2-A226-EC26A356E38D",
        rank: "normal",
        references: [
          {
            hash: "fa278ebfc458360e5aed63d5058cca83c46134f1",
            snaks: {},
            "snaks-order": ["P143"],
          },
        ],
      },
      {
        mainsnak: {
          snaktype: "value",
          property: "P18",
          datavalue: { value: "Douglas Adams (1952–2001).jpg", type: "string" },
          datatype: "commonsMedia",
        },
        type: "statement",
        id: "Q42$7d9e1bd6-4a2c-5c1f-8e39-4e8a1a3b1c2d",
        rank: "preferred",
      },
      {
        mainsnak: {
          snaktype: "value",
          property: "P18",
          datavalue: { value: "Not actually Douglas Adams.jpg", type: "string" },
          datatype: "commonsMedia",
        },
        type: "statement",
        id: "Q42$0b6a1c22-2f33-4e5c-9c1d-1f2e3d4c5b6a",
        rank: "deprecated",
      },
      {
        mainsnak: { snaktype: "somevalue", property: "P18", datatype: "commonsMedia" },
        type: "statement",
        id: "Q42$1c2d3e4f-0000-4000-8000-000000000001",
        rank: "normal",
      },
      {
        mainsnak: { snaktype: "novalue", property: "P18", datatype: "commonsMedia" },
        type: "statement",
        id: "Q42$1c2d3e4f-0000-4000-8000-000000000002",
        rank: "normal",
      },
    ],
  },
};

export const wbgetclaimsNoSuchEntity = {
  error: {
    code: "no-such-entity",
    info: 'Could not find an entity with the ID "Q999999999".',
    id: "Q999999999",
    "*": "See https://www.wikidata.org/w/api.php for API usage. Subscribe to the mediawiki-api-announce mailing list at &lt;https://lists.wikimedia.org/postorius/lists/mediawiki-api-announce.lists.wikimedia.org/&gt; for notice of API deprecations and breaking changes.",
  },
  servedby: "mw-api-ext.eqiad.main-6d8f8f9b5c-abcde",
};

export const tmdbSearchAdams = {
  page: 1,
  results: [
    {
      adult: false,
      gender: 2,
      id: 1010,
      known_for_department: "Acting",
      name: "Douglas Adams Jr.",
      original_name: "Douglas Adams Jr.",
      popularity: 9.1,
      profile_path: null,
      known_for: [],
    },
    {
      adult: false,
      gender: 2,
      id: 42,
      known_for_department: "Writing",
      name: "Douglas Adams",
      original_name: "Douglas Adams",
      popularity: 1.2,
      profile_path: "/mdeP2zhZ4eHxo9bHfJ8Gq6ZJ7Yq.jpg",
      known_for: [
        {
          backdrop_path: "/8ZHgUBDtYqLbZrhDVjhyUkuLYEr.jpg",
          id: 7453,
          title: "The Hitchhiker's Guide to the Galaxy",
          media_type: "movie",
        },
      ],
    },
  ],
  total_pages: 1,
  total_results: 2,
};

export const tmdbImages42 = {
  id: 42,
  profiles: [
    {
      aspect_ratio: 0.667,
      height: 1500,
      iso_639_1: null,
      file_path: "/mdeP2zhZ4eHxo9bHfJ8Gq6ZJ7Yq.jpg",
      vote_average: 5.3,
      vote_count: 3,
      width: 1000,
    },
    {
      aspect_ratio: 0.667,
      height: 900,
      iso_639_1: null,
      file_path: "/rLqQ2kLe2n1c5d8X0Q8mY0Zz2gP.jpg",
      vote_average: 5.1,
      vote_count: 1,
      width: 600,
    },
  ],
};

export const tmdbInvalidKey = {
  status_code: 7,
  status_message: "Invalid API key: You must be granted a valid key.",
  success: false,
};

export const tmdbNotFound = {
  success: false,
  status_code: 34,
  status_message: "The resource you requested could not be found.",
};

export const wikipediaArticle = `<!DOCTYPE html>
<html class="client-nojs" lang="en" dir="ltr">
<head>
<meta charset="UTF-8">
<title>Douglas Adams - Wikipedia</title>
<meta name="description" content="English writer and humorist (1952–2001)">
<meta property="og:image" content="https://upload.wikimedia.org/wikipedia/commons/c/c0/Douglas_adams_portrait_cropped.jpg">
<meta property="og:image:width" content="1200">
<meta property="og:image" content="https://upload.wikimedia.org/wikipedia/commons/thumb/c/c0/Douglas_adams_portrait_cropped.jpg/800px-Douglas_adams_portrait_cropped.jpg">
<meta property="og:title" content="Douglas Adams - Wikipedia">
<link rel="icon" href="/static/favicon/wikipedia.ico">
</head>
<body class="skin-vector">
<a href="/wiki/Main_Page" class="mw-logo"><img class="mw-logo-icon" src="/static/images/icons/wikipedia.png" alt="" aria-hidden="true" height="50" width="50"></a>
<table class="infobox vcard"><tbody>
<tr><td colspan="2" class="infobox-image"><span class="mw-default-size" typeof="mw:File/Frameless"><a href="/wiki/File:Douglas_adams_portrait_cropped.jpg" class="mw-file-description"><img src="//upload.wikimedia.org/wikipedia/commons/thumb/c/c0/Douglas_adams_portrait_cropped.jpg/250px-Douglas_adams_portrait_cropped.jpg" decoding="async" width="220" height="293" class="mw-file-element" srcset="//upload.wikimedia.org/wikipedia/commons/thumb/c/c0/Douglas_adams_portrait_cropped.jpg/330px-Douglas_adams_portrait_cropped.jpg 1.5x, //upload.wikimedia.org/wikipedia/commons/thumb/c/c0/Douglas_adams_portrait_cropped.jpg/440px-Douglas_adams_portrait_cropped.jpg 2x" data-file-width="1200" data-file-height="1600"></a></span><div class="infobox-caption">Adams in 2000</div></td></tr>
</tbody></table>
<p>Douglas Noel Adams was an English author…</p>
<img src="//upload.wikimedia.org/wikipedia/commons/thumb/c/c0/Douglas_adams_portrait_cropped.jpg/250px-Douglas_adams_portrait_cropped.jpg" alt="again">
<noscript><img src="https://en.wikipedia.org/wiki/Special:CentralAutoLogin/start?type=1x1&amp;usesul3=1" alt="" width="1" height="1" style="border: none; position: absolute;"></noscript>
</body>
</html>`;
