-- 0007: the list of recent invitations pages through invitations newest first without
-- walking the anonymous ward and kiosk visits (a busy kiosk adds one row per visitor).

create index survey_instances_invited on survey_instances(id) where source != 'ward';
create index survey_instances_invited_hospital on survey_instances(hospital_id, id) where source != 'ward';
