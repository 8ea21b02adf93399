// Shared helpers for the JavaScript-rendered test sites: jobs come from /api/jobs (a LocalServer handler).
async function fetchJobs(offset, limit, total) {
  const response = await fetch(`/api/jobs?offset=${offset}&limit=${limit}&total=${total}`);
  return (await response.json()).jobs;
}
function jobItem(job) {
  const li = document.createElement('li');
  li.className = 'job';
  li.innerHTML = `<a class="job-link" href="/jobs/${job.id}?utm_source=site">${job.title}</a>
    <span class="location">${job.location}</span>`;
  return li;
}
function param(name, fallback) {
  const value = new URLSearchParams(location.search).get(name);
  return value === null ? fallback : value;
}
